"""Tables of access control and the audit trail (accounts, API keys, audit log).

Declared on the ledger's one ``metadata`` so that the migrations test covers them.
"""

from __future__ import annotations
