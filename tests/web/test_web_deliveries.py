"""The push endpoint: a department furnishes a file of its own records through the API."""

from __future__ import annotations

import csv
import io

from web_helpers import OPERATOR, TestClient, World

from xinyong.ids import uscc
from xinyong.ledger import Store

HEADERS = [
    "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "证件号码",
    "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
    "罚款金额（万元）", "处罚决定日期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码",
    "数据来源单位", "数据来源单位统一社会信用代码", "操作类型",
]  # fmt: skip
AUTHORITY = uscc.issue("1", "1", "110108", [900])[0]


def _feed(rows: int, broken: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    codes = uscc.issue("9", "1", "110108", range(100, 100 + rows))
    for n, code in enumerate(codes, 1):
        code = code[:-1] + ("0" if code[-1] != "0" else "1") if n <= broken else code
        writer.writerow([
            f"北京推送{n}科技有限公司", "法人及非法人组织", code, "", f"京海市监罚〔2025〕{n}号",
            "无照经营", "经查，当事人未依法取得营业执照。", "依据《无证无照经营查处办法》第十三条",
            "罚款", "罚款人民币5000元", "0.5", "2025-01-06", "2026-01-06",
            "北京市海淀区市场监督管理局", AUTHORITY, "北京市海淀区市场监督管理局", AUTHORITY,
            "新增",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def _key(world: World, agency: str) -> dict[str, str]:
    _, token = world.access.issue_api_key(OPERATOR, agency, ["licensing_review"])
    return {"authorization": f"Bearer {token}"}


def test_a_department_pushes_a_file_and_gets_the_ingest_summary(
    web: tuple[TestClient, World], store: Store
) -> None:
    client, world = web
    url = f"/api/v1/sources/{world.source.code}/deliveries"
    files = {"file": ("penalties.csv", _feed(5, broken=1), "text/csv")}
    data = {"mapping": "double-publicity-penalty-cn"}
    pushed = client.post(url, files=files, data=data, headers=_key(world, world.source.code))
    assert pushed.status_code == 201, pushed.text
    summary = pushed.json()
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (5, 4, 1)
    assert "rejects" not in summary
    again = client.post(url, files=files, data=data, headers=_key(world, world.source.code))
    assert again.json()["already_ingested"] is True
    granted = [e for e in world.access.audit.export() if e.action == "furnish"]
    assert [e.outcome for e in granted] == ["granted", "granted"]


def test_only_the_department_itself_may_push_and_only_with_a_known_mapping(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    url = f"/api/v1/sources/{world.source.code}/deliveries"
    files = {"file": ("penalties.csv", _feed(2), "text/csv")}
    other = client.post(url, files=files, data={"mapping": "double-publicity-penalty-cn"},
                        headers=_key(world, "TAX-110108"))  # fmt: skip
    assert other.status_code == 403
    anonymous = client.post(url, files=files, data={"mapping": "double-publicity-penalty-cn"})
    assert anonymous.status_code == 401
    own = _key(world, world.source.code)
    path = client.post(url, files=files, data={"mapping": "/etc/passwd"}, headers=own)
    assert path.status_code == 422
    assert path.json()["error"]["field"] == "mapping"
    exe = client.post(url, files={"file": ("x.exe", b"MZ", "application/octet-stream")},
                      data={"mapping": "double-publicity-penalty-cn"}, headers=own)  # fmt: skip
    assert exe.status_code == 422
    garbage = client.post(url, files={"file": ("x.csv", b"\x00\x01", "text/csv")},
                          data={"mapping": "double-publicity-penalty-cn"}, headers=own)  # fmt: skip
    assert garbage.status_code == 422
    assert garbage.json()["error"]["field"] == "file"
    tries = [e.outcome for e in world.access.audit.export() if e.action == "furnish"]
    assert tries == ["denied", "denied", "granted"]  # the last one was let in, then refused
