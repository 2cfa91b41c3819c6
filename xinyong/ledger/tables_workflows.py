"""Tables of the due-process workflows (notice, listing cases, objections, repair, outbox).

Declared on the ledger's one ``metadata`` so that the migrations test covers them.
"""

from __future__ import annotations
