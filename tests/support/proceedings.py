"""The inputs of a review (行政复议) and a lawsuit (行政诉讼) as the proceedings flows take them."""

from __future__ import annotations

REVIEW = {
    "ground": "against_reply",
    "body": "硚口区人民政府",
    "body_case_number": "硚政复〔2026〕7号",
    "procedure": "ordinary",
    "request": "撤销被申请人作出的不予公开答复",
}
SUIT = {
    "ground": "against_reply",
    "route": "direct",
    "court": "武汉市中级人民法院",
    "court_case_number": "（2026）鄂01行初88号",
    "request": "撤销被告作出的答复",
}
