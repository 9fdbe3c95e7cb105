"""How the sample's people dispose of the warnings the engine raises: per
rule, the share found true (confirmed), fixed (rectified) or dismissed
(false alarm), and the notes they write.

The rules themselves, their owners and deadlines are the engine's
(cockpit/rules/catalogue.yaml); nothing here decides what is raised.
"""

from __future__ import annotations

import random

# Per rule: (confirmed, rectified, false_alarm) weights of the disposition.
DISPOSITIONS = {
    "LAB-01": (0.3, 0.45, 0.25), "LAB-02": (0.2, 0.4, 0.4), "LAB-03": (0.55, 0.35, 0.1),
    "LAB-04": (0.2, 0.6, 0.2), "LAB-05": (0.2, 0.4, 0.4),
    "FUN-01": (0.45, 0.35, 0.2), "FUN-02": (0.1, 0.75, 0.15), "FUN-03": (0.5, 0.3, 0.2),
    "FUN-04": (0.4, 0.3, 0.3), "FUN-05": (0.2, 0.6, 0.2), "FUN-06": (0.45, 0.3, 0.25),
    "SEAL-01": (0.2, 0.55, 0.25), "SEAL-02": (0.1, 0.3, 0.6), "SEAL-03": (0.15, 0.7, 0.15),
    "SUB-01": (0.5, 0.4, 0.1), "SUB-02": (0.4, 0.3, 0.3), "SUB-03": (0.45, 0.35, 0.2),
    "SUB-04": (0.2, 0.7, 0.1), "SUB-05": (0.5, 0.35, 0.15),
    "PRJ-01": (0.45, 0.3, 0.25), "PRJ-02": (0.1, 0.8, 0.1), "PRJ-03": (0.4, 0.3, 0.3),
    "PRJ-04": (0.3, 0.5, 0.2), "PRJ-05": (0.4, 0.3, 0.3), "PRJ-06": (0.15, 0.7, 0.15),
    "DIS-01": (0.05, 0.9, 0.05), "QRY-01": (0.1, 0.85, 0.05),
    "PET-01": (0.3, 0.7, 0.0), "PET-02": (0.2, 0.7, 0.1),
}  # fmt: skip
DEFAULT_DISPOSITIONS = (0.3, 0.45, 0.25)


def dispositions(rule_code: str) -> tuple[float, float, float]:
    return DISPOSITIONS.get(rule_code, DEFAULT_DISPOSITIONS)


# Disposal notes: the generic ones fit every rule, the others only their category.
NOTES = {
    "confirmed": (
        "经核查情况属实，已立案调查",
        "经核查属实，已对相关责任人批评教育",
        "问题属实，已约谈村党组织书记",
    ),
    "rectified": (
        "已责令整改，整改材料已上传",
        "已补办手续并说明情况",
        "已督促村里限期整改到位",
    ),
    "false_alarm": (
        "经核实为误报：系补录数据",
        "经核实为误报：数据录入错误已更正",
    ),
}
CATEGORY_NOTES = {
    ("信访超期", "rectified"): ("诉求已办结，已督促相关单位落实办理时限", "诉求已办结，已提醒责任单位"),
    ("信访超期", "confirmed"): ("经核查存在推诿拖延，已约谈责任人", "经核查办理不力，已通报批评"),
    ("重复信访", "rectified"): ("已召开专题会议，从源头解决群众反映的问题",),
    ("亲属回避", "confirmed"): ("经核查属实，已责令相关村干部回避并追回款项",),
    ("拆分发包", "confirmed"): ("经核查存在化整为零规避招标，已立案调查",),
    ("面积虚报", "rectified"): ("已按登记面积核减并追回多发补贴",),
    ("发放时效", "rectified"): ("已补发到位并在监督群公示",),
    ("重复领取", "confirmed"): ("经核查属实，已追回重复发放资金",),
    ("用印时间异常", "false_alarm"): ("经核实为误报：防汛应急用印，已补办审批",),
    ("公开质询", "rectified"): ("已书面答复质询人并在公开栏公示",),
    ("村级用工", "false_alarm"): (
        "经核实为误报：系紧急抢修用工，已补充说明",
        "经核实为误报：同名人员，非同一人",
    ),
    ("村级用工", "confirmed"): ("经核查属实，已责令退回违规领取的补贴",),
    ("惠民资金", "false_alarm"): ("经核实为误报：同名人员，非同一人", "经核实为误报：户籍信息未及时更新"),
    ("惠民资金", "confirmed"): ("经核查属实，已追回资金并在监督群公示",),
    ("惠民资金", "rectified"): ("已补发到位并在监督群公示",),
    ("公章使用", "false_alarm"): ("经核实为误报：防汛应急用印，已补办审批",),
    ("三务公开", "rectified"): ("已完成公开并上传附件",),
    ("廉洁承诺", "rectified"): ("已补签无利害关系承诺",),
    ("公示期不足", "rectified"): ("已重新公示并补足公示期",),
    ("竞争不足", "rectified"): ("已重新组织比选",),
}


def disposal_note(rng: random.Random, category: str, disposition: str) -> str:
    return rng.choice(NOTES[disposition] + CATEGORY_NOTES.get((category, disposition), ()))
