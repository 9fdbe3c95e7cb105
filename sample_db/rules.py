"""The warning rules: what each checks, how often it fires, who owns it, and
a Chinese title that explains itself with the values that tripped it.

Rules follow the Yiwu-style platform in docs/domain.md: thresholds over
labour, spending, benefit payouts, projects, procurement, seals, disclosure,
public queries, assets, vouchers and decisions. Owners follow its escalation:
efficiency warnings remind the village, serious ones go to the town's
discipline committee, non-compliance to the responsible department.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sample_db.names import person
from sample_db.timing import LOCAL

# Time allowed to dispose of a warning, by severity.
DUE_DAYS = {"high": 3, "medium": 7, "low": 15}

Title = tuple[str, Decimal | None]


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    weight: float  # expected warnings per village per year, before scaling
    severity: str
    subject_type: str
    owner_kind: str  # village / town_commission / department
    title: Callable[[random.Random, datetime], Title]
    dispositions: tuple[float, float, float] = (0.3, 0.45, 0.25)  # confirmed, rectified, false_alarm
    department: str = ""  # bureau of the city, for owner_kind "department"


def _day(at: datetime, days_before: int) -> str:
    return (at.astimezone(LOCAL) - timedelta(days=days_before)).strftime("%Y-%m-%d")


def _yuan(rng: random.Random, low: int, high: int, step: int = 10) -> Decimal:
    return Decimal(rng.randrange(low, high, step))


def _labour_before_application(rng, at) -> Title:
    filed = rng.randint(1, 3)
    return f"用工开始 {_day(at, filed + rng.randint(1, 4))} 早于申请提交 {_day(at, filed)}", None


def _labour_rushed(rng, at) -> Title:
    return f"用工申请提交后 {rng.randint(10, 39) / 10} 小时即申报，疑似虚假用工", None


def _cadre_subsidy(rng, at) -> Title:
    amount = _yuan(rng, 210, 310)
    return f"村干部 {person(rng)} 领取务工补贴 {amount} 元", amount


def _double_booking(rng, at) -> Title:
    return f"{person(rng)} 同日在 {rng.randint(2, 3)} 个项目登记用工", None


def _unapproved_spending(rng, at) -> Title:
    amount = _yuan(rng, 2000, 80000, 100)
    return f"支出 {amount} 元无审批记录（疑似体外循环）", amount


def _cash_payment(rng, at) -> Title:
    amount = _yuan(rng, 5200, 30000, 100)
    return f"现金支付 {amount} 元，超过限额 5000 元", amount


def _missing_signature(rng, at) -> Title:
    amount = _yuan(rng, 800, 20000)
    return f"支出 {amount} 元缺少村监委会主任审批", amount


def _deceased_payee(rng, at) -> Title:
    programme = rng.choice(("养老金", "高龄补贴", "低保金", "残疾人补贴"))
    amount = _yuan(rng, 120, 3600)
    return f"已故人员 {person(rng)} 仍领取{programme} {amount} 元", amount


def _no_land_compensation(rng, at) -> Title:
    amount = _yuan(rng, 3000, 25000)
    return f"无承包地人员 {person(rng)} 领取青苗补偿 {amount} 元", amount


def _official_relative(rng, at) -> Title:
    amount = _yuan(rng, 600, 9000)
    return f"公职人员亲属 {person(rng)} 领取低保金 {amount} 元", amount


def _late_payout(rng, at) -> Title:
    amount = _yuan(rng, 5000, 200000, 100)
    return f"惠民资金超期发放 {rng.randint(3, 40)} 天，涉及 {amount} 元", amount


def _split_contracts(rng, at) -> Title:
    n = rng.randint(2, 4)
    amount = sum((_yuan(rng, 27000, 29990) for _ in range(n)), Decimal(0))
    return f"同一收款方 30 日内 {n} 笔合同均略低于 3 万元", amount


def _no_pledge(rng, at) -> Title:
    amount = _yuan(rng, 5000, 29900, 100)
    return f"{amount} 元村级工程未签无利害关系承诺", amount


def _paid_before_acceptance(rng, at) -> Title:
    amount = _yuan(rng, 3000, 60000, 100)
    return f"工程未验收即支付尾款 {amount} 元", amount


def _split_purchases(rng, at) -> Title:
    n = rng.randint(3, 6)
    amount = _yuan(rng, 12000, 48000, 100)
    return f"同类物资 30 日内 {n} 次采购合计 {amount} 元", amount


def _related_supplier(rng, at) -> Title:
    supplier = rng.choice(("鑫达", "顺发", "宏远", "恒通", "永盛", "金旺", "兴业")) + rng.choice(
        ("建材商行", "五金店", "工程队", "农资店", "劳务公司")
    )
    return f"供应商 {supplier} 法定代表人为村干部 {person(rng)} 亲属", None


def _seal_before_approval(rng, at) -> Title:
    day = at.astimezone(LOCAL) - timedelta(days=rng.randint(1, 3))
    used = day.replace(hour=rng.randint(8, 11), minute=rng.randrange(60))
    approved = used + timedelta(minutes=rng.randint(30, 400))
    return f"公章使用 {used:%m-%d %H:%M} 早于审批 {approved:%m-%d %H:%M}", None


def _seal_after_hours(rng, at) -> Title:
    day = at.astimezone(LOCAL) - timedelta(days=rng.randint(1, 3))
    used = day.replace(hour=rng.choice((6, 20, 21, 22, 23)), minute=rng.randrange(60))
    return f"非工作时间用印：{used:%Y-%m-%d %H:%M}", None


def _late_disclosure(rng, at) -> Title:
    return f"{rng.choice(('党务', '村务', '财务'))}公开超期 {rng.randint(2, 30)} 天", None


def _disclosure_no_voucher(rng, at) -> Title:
    month = (at.astimezone(LOCAL).replace(day=1) - timedelta(days=1)).month
    return f"{month} 月财务公开缺少票据附件", None


def _query_unanswered(rng, at) -> Title:
    return f"公开质询超期 {rng.randint(1, 12)} 天未答复", None


def _rent_overdue(rng, at) -> Title:
    asset = rng.choice(("村集体厂房", "村集体店面", "村集体山林", "村集体鱼塘", "村集体仓库"))
    amount = _yuan(rng, 3000, 90000, 100)
    return f"{asset}租金逾期 {rng.randint(10, 120)} 天未收，{amount} 元", amount


def _lease_no_auction(rng, at) -> Title:
    asset = rng.choice(("村集体厂房", "村集体店面", "村集体山林", "村集体鱼塘"))
    amount = _yuan(rng, 20000, 300000, 1000)
    return f"{asset}出租未经公开竞价，年租金 {amount} 元", amount


def _vouchers_late(rng, at) -> Title:
    month = (at.astimezone(LOCAL).replace(day=1) - timedelta(days=1)).month
    return f"{month} 月票据逾期未上传", None


def _duplicate_claim(rng, at) -> Title:
    amount = _yuan(rng, 200, 8000)
    return f"同一发票 No.{rng.randrange(10**7, 10**8)} 重复报销 {amount} 元", amount


def _no_assembly(rng, at) -> Title:
    amount = _yuan(rng, 50000, 500000, 1000)
    return f"{amount} 元重大事项未经村民代表会议决议", amount


RULES: tuple[Rule, ...] = (
    Rule("LAB-01", "村级用工", 5, "medium", "labour", "town_commission", _labour_before_application),
    Rule("LAB-02", "村级用工", 4, "medium", "labour", "village", _labour_rushed, (0.2, 0.4, 0.4)),
    Rule("LAB-03", "村级用工", 1.2, "high", "labour", "town_commission", _cadre_subsidy, (0.55, 0.35, 0.1)),
    Rule("LAB-04", "村级用工", 2, "low", "labour", "village", _double_booking, (0.2, 0.4, 0.4)),
    Rule("FIN-01", "三资支出", 2, "high", "payment", "town_commission", _unapproved_spending),
    Rule("FIN-02", "三资支出", 4, "medium", "payment", "village", _cash_payment, (0.2, 0.6, 0.2)),
    Rule("FIN-03", "三资支出", 4, "medium", "payment", "village", _missing_signature, (0.1, 0.75, 0.15)),
    Rule(
        "BEN-01", "惠民资金", 1, "high", "benefit", "department", _deceased_payee, (0.5, 0.4, 0.1), "民政局"
    ),
    Rule(
        "BEN-02",
        "惠民资金",
        0.8,
        "high",
        "benefit",
        "town_commission",
        _no_land_compensation,
        (0.5, 0.3, 0.2),
    ),
    Rule(
        "BEN-03",
        "惠民资金",
        0.8,
        "high",
        "benefit",
        "department",
        _official_relative,
        (0.4, 0.3, 0.3),
        "民政局",
    ),
    Rule(
        "BEN-04", "惠民资金", 2.5, "medium", "benefit", "department", _late_payout, (0.2, 0.7, 0.1), "财政局"
    ),
    Rule(
        "PRJ-01", "工程项目", 1.5, "high", "project", "town_commission", _split_contracts, (0.45, 0.3, 0.25)
    ),
    Rule("PRJ-02", "工程项目", 2.5, "medium", "project", "village", _no_pledge, (0.1, 0.8, 0.1)),
    Rule(
        "PRJ-03",
        "工程项目",
        1.5,
        "medium",
        "project",
        "department",
        _paid_before_acceptance,
        department="住建局",
    ),
    Rule("PUR-01", "采购管理", 2, "medium", "purchase", "town_commission", _split_purchases),
    Rule(
        "PUR-02", "采购管理", 0.8, "high", "purchase", "town_commission", _related_supplier, (0.4, 0.2, 0.4)
    ),
    Rule("SEAL-01", "公章使用", 3.5, "medium", "seal", "village", _seal_before_approval, (0.2, 0.55, 0.25)),
    Rule("SEAL-02", "公章使用", 2, "low", "seal", "village", _seal_after_hours, (0.1, 0.3, 0.6)),
    Rule("PUB-01", "三务公开", 9, "low", "disclosure", "village", _late_disclosure, (0.05, 0.9, 0.05)),
    Rule("PUB-02", "三务公开", 3, "low", "disclosure", "village", _disclosure_no_voucher, (0.05, 0.85, 0.1)),
    Rule("QRY-01", "公开质询", 0.6, "medium", "query", "village", _query_unanswered, (0.1, 0.85, 0.05)),
    Rule("AST-01", "资产资源", 2.5, "medium", "asset", "village", _rent_overdue, (0.15, 0.75, 0.1)),
    Rule("AST-02", "资产资源", 1, "high", "asset", "town_commission", _lease_no_auction, (0.4, 0.4, 0.2)),
    Rule("ACC-01", "财务管理", 3, "low", "voucher", "village", _vouchers_late, (0.05, 0.9, 0.05)),
    Rule("ACC-02", "财务管理", 1, "medium", "voucher", "town_commission", _duplicate_claim, (0.4, 0.4, 0.2)),
    Rule("DEC-01", "民主决策", 1.2, "high", "decision", "town_commission", _no_assembly, (0.35, 0.45, 0.2)),
)

# Raised from the petitions themselves, not drawn: a petition past its time limit.
OVERDUE_PETITION = Rule(
    "PET-01",
    "诉求超期",
    0,
    "medium",
    "petition",
    "town_commission",
    lambda rng, at: ("", None),
    (0.3, 0.7, 0.0),
)
RULE_WEIGHTS = tuple(rule.weight for rule in RULES)

SUBJECT_PREFIX = {
    "labour": "LAB",
    "payment": "PAY",
    "benefit": "BEN",
    "project": "PRJ",
    "purchase": "PUR",
    "seal": "SEAL",
    "disclosure": "PUB",
    "query": "QRY",
    "asset": "AST",
    "voucher": "VOU",
    "decision": "DEC",
}

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
    ("财务管理", "rectified"): ("已补传票据",),
    ("资产资源", "rectified"): ("已收回租金并入账", "已补办公开竞价程序"),
    ("工程项目", "rectified"): ("已补签无利害关系承诺", "已暂停支付并组织验收"),
}


def disposal_note(rng: random.Random, category: str, disposition: str) -> str:
    return rng.choice(NOTES[disposition] + CATEGORY_NOTES.get((category, disposition), ()))
