"""A second process for the concurrency and crash tests; reads XINYONG_* from its environment.

python ledger_worker.py reserve NAME TIMES COUNT   print one reserved range per line
python ledger_worker.py append SOURCE_ID SUBJECT_ID PREFIX N   N single-record transactions
python ledger_worker.py crash SOURCE_ID SUBJECT_ID N   write N records, die before commit
"""

from __future__ import annotations

import os
import sys

from xinyong.ledger import NewRecord, open_store
from xinyong.settings import load_settings


def main(argv: list[str]) -> None:
    store = open_store(load_settings(), actor=f"worker:{os.getpid()}")
    command, *args = argv
    if command == "reserve":
        name, times, count = args[0], int(args[1]), int(args[2])
        for _ in range(times):
            got = store.reserve_serials(name, count)
            print(got.start, got.stop, flush=True)
    elif command == "append":
        source_id, subject_id, prefix, n = int(args[0]), int(args[1]), args[2], int(args[3])
        for i in range(n):
            store.assert_record(
                source_id=source_id,
                subject_id=subject_id,
                record_type="administrative_penalty",
                document_no=f"{prefix}-{i}",
                fields={"i": i},
            )
        print("done", flush=True)
    elif command == "crash":
        source_id, subject_id, n = int(args[0]), int(args[1]), int(args[2])
        with store.transaction() as tx:
            tx.add_records(
                NewRecord(source_id, subject_id, "administrative_penalty", f"crash-{i}", {})
                for i in range(n)
            )
            tx._flush()  # the rows are in the database, uncommitted
            print("flushed", flush=True)
            os._exit(3)  # no rollback, no commit: as if the process were killed
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
