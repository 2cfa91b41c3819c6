"""xinyong (信用): a self-hostable public credit information platform."""

__version__ = "0.1.0.dev0"
