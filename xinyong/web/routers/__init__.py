"""One router per resource family: portal pages, account pages, the JSON API."""
