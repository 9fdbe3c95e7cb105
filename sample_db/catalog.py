"""What residents petition about: categories, who handles them at each level,
and short Chinese texts for summaries and notes.

Frequencies are skewed on purpose so a top-10 of items means something.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sample_db.names import village_group


@dataclass(frozen=True)
class Category:
    name: str
    weight: float
    complex_rate: float  # share of complex (15-day) cases
    town_office: str  # the town office that takes it over: 村镇建设办, ...
    county_bureau: str  # the city's (county-level) department: 交通运输局, ...
    city_bureau: str  # the prefecture's department
    summaries: tuple[str, ...]  # templates: {village} {group} {amount} {months}
    results: tuple[str, ...]  # what was done, for the "resolved" note


CATEGORIES: tuple[Category, ...] = (
    Category(
        "道路硬化与维修", 14, 0.08, "村镇建设办", "交通运输局", "交通运输局",
        (
            "{village}{group}通组道路破损严重，雨天积水，出行不便，希望尽快修复。",
            "{village}{group}至村部的道路一直没有硬化，老人小孩出行困难。",
            "{village}村道塌方一处，存在安全隐患，请求处理。",
            "{village}新修道路不到一年就开裂，怀疑施工偷工减料。",
        ),
        ("已安排施工队修复破损路面", "已纳入年度道路硬化计划并公示", "已设置警示标志并完成抢修"),
    ),
    Category(
        "环境卫生整治", 13, 0.03, "城乡环境整治办", "综合行政执法局", "生态环境局",
        (
            "{village}{group}垃圾桶长期无人清运，气味难闻。",
            "{village}河道漂浮垃圾多，希望组织清理。",
            "{village}有养殖户污水直排水沟，影响周边住户。",
            "{village}{group}公厕无人保洁，卫生状况差。",
        ),
        ("已清运垃圾并落实保洁责任人", "已组织清理河道", "已责令养殖户限期整改"),
    ),
    Category(
        "低保评定", 8, 0.12, "社会事务办", "民政局", "民政局",
        (
            "{village}{group}家庭困难申请低保，至今未获评定，希望说明原因。",
            "反映{village}有家庭条件较好的人员享受低保，评定不公。",
            "{village}低保名单未按规定公示。",
        ),
        ("已入户核查并重新评议", "已向群众解释评定政策和结果", "已取消不符合条件人员低保资格"),
    ),
    Category(
        "宅基地审批", 7, 0.2, "自然资源所", "自然资源局", "自然资源和规划局",
        (
            "{village}{group}宅基地申请提交{months}个月仍未审批，询问进度。",
            "反映{village}有人未批先建、超面积建房。",
            "{village}宅基地分配方案未经村民代表会议讨论。",
        ),
        ("已加快审批并告知办理进度", "已现场核查并责令停工", "已重新召开村民代表会议议定"),
    ),
    Category(
        "土地承包与流转", 6, 0.18, "农业农村办", "农业农村局", "农业农村局",
        (
            "{village}土地流转租金{amount}元拖欠未付。",
            "{village}{group}承包地面积登记有误，要求更正。",
            "反映{village}集体土地流转未公开招标。",
        ),
        ("已督促流转方支付租金", "已重新测量并更正登记", "已责令村集体补办公开程序"),
    ),
    Category(
        "征地拆迁补偿", 4, 0.35, "征迁办", "自然资源局", "自然资源和规划局",
        (
            "{village}{group}征地补偿款{amount}元至今未到位。",
            "对{village}拆迁安置方案有异议，补偿标准偏低。",
            "{village}征地补偿分配方案未公示。",
        ),
        ("已协调资金足额发放补偿款", "已解释补偿标准并启动复核", "已督促村里公示分配方案"),
    ),
    Category(
        "村务公开", 6, 0.04, "党政办", "农业农村局", "农业农村局",
        (
            "{village}村务公开栏已有{months}个月未更新。",
            "{village}财务公开内容过于笼统，看不懂开支明细。",
            "希望{village}公开村集体厂房出租情况。",
        ),
        ("已督促村里更新公开内容", "已补充公开开支明细", "已在监督群公布相关信息"),
    ),
    Category(
        "集体资金使用", 5, 0.15, "三资管理中心", "农业农村局", "财政局",
        (
            "质疑{village}招待费支出{amount}元是否合规。",
            "{village}集体资金使用去向不明，希望审计。",
            "{village}村集体收入{amount}元未入账。",
        ),
        ("已组织专项审计", "已核实支出并公开明细", "已责令入账并追究相关责任"),
    ),
    Category(
        "惠民补贴发放", 7, 0.06, "社会事务办", "财政局", "财政局",
        (
            "{village}{group}耕地地力保护补贴未到账。",
            "{village}高龄补贴已停发{months}个月。",
            "反映{village}有人冒领惠民补贴。",
        ),
        ("已补发补贴", "已核实并追回冒领资金", "已向群众说明发放时间"),
    ),
    Category(
        "农村饮水安全", 5, 0.1, "农业农村办", "水务局", "水利局",
        (
            "{village}{group}自来水经常停水，水质浑浊。",
            "{village}饮水工程管道破裂漏水。",
        ),
        ("已抢修管网恢复供水", "已对水质进行检测并清洗水池"),
    ),
    Category(
        "路灯照明", 6, 0.02, "村镇建设办", "综合行政执法局", "城市管理局",
        (
            "{village}{group}路灯坏了好几盏，晚上出行不安全。",
            "{village}新装太阳能路灯不亮。",
        ),
        ("已更换损坏路灯", "已联系厂家保修维修"),
    ),
    Category(
        "医疗救助", 3, 0.12, "社会事务办", "医疗保障局", "医疗保障局",
        (
            "{village}大病患者申请医疗救助迟迟没有结果。",
            "{village}{group}医保报销比例有疑问。",
        ),
        ("已协助办理医疗救助", "已向群众解释医保政策"),
    ),
    Category(
        "危房改造", 3, 0.2, "村镇建设办", "住建局", "住房和城乡建设局",
        (
            "{village}{group}有农户住房开裂，申请危房改造。",
            "{village}危房改造补助{amount}元未足额发放。",
        ),
        ("已鉴定并纳入改造计划", "已补足改造补助"),
    ),
    Category(
        "村干部作风", 4, 0.15, "纪委", "纪委监委", "纪委监委",
        (
            "反映{village}村干部办事推诿，服务态度差。",
            "反映{village}村干部优亲厚友。",
            "{village}村干部工作日经常不在岗。",
        ),
        ("已约谈相关村干部并责令整改", "经核查问题部分属实，已批评教育", "已在监督群通报处理结果"),
    ),
    Category(
        "邻里纠纷", 7, 0.05, "综治中心", "司法局", "司法局",
        (
            "{village}{group}两户因宅基地界址发生纠纷。",
            "{village}邻居建房影响采光，协商不成。",
            "{village}{group}因排水问题与邻居发生矛盾。",
        ),
        ("已组织人民调解达成协议", "已现场调解并签订调解书"),
    ),
    Category(
        "工程项目质量", 3, 0.25, "村镇建设办", "住建局", "住房和城乡建设局",
        (
            "{village}文化礼堂工程质量差，墙面开裂。",
            "质疑{village}{amount}元的村级工程未经招标。",
        ),
        ("已组织质量检测并责令返工", "已核查发包程序并公开结果"),
    ),
    Category(
        "养老服务", 3, 0.05, "社会事务办", "民政局", "民政局",
        (
            "{village}居家养老服务中心长期不开门。",
            "{village}老年食堂收费标准不透明。",
        ),
        ("已督促恢复正常开放", "已公开收费标准"),
    ),
    Category(
        "农田水利设施", 4, 0.1, "农业农村办", "水务局", "水利局",
        (
            "{village}{group}灌溉水渠堵塞，影响农田灌溉。",
            "{village}山塘年久失修，汛期有隐患。",
        ),
        ("已组织清淤疏通", "已纳入水利设施维修计划"),
    ),
)  # fmt: skip

CATEGORY_WEIGHTS = tuple(c.weight for c in CATEGORIES)

CHANNEL_WEIGHTS = {"wechat": 42, "miniprogram": 22, "qrcode": 14, "hotline": 14, "visit": 8}
REAL_NAME_RATE = {"wechat": 0.1, "miniprogram": 0.13, "qrcode": 0.1, "hotline": 0.2, "visit": 0.45}

FEEDBACK_NOTES = {
    3: ("群众表示满意", "问题已解决，满意", "处理及时，满意"),
    2: ("基本满意", "问题基本解决"),
    1: ("群众表示不满意", "问题未彻底解决，不满意"),
}


def summary(rng: random.Random, category: Category, village: str) -> str:
    template = rng.choice(category.summaries)
    return template.format(
        village=village,
        group=village_group(rng),
        amount=rng.choice((3200, 5800, 8600, 12000, 24000, 36500, 58000)),
        months=rng.randint(2, 8),
    )


def unit_for(level: str, category: Category, *, village_unit: str, town, city: str, prefecture: str) -> str:
    """The unit that handles a petition of ``category`` at ``level``.

    ``town`` is a sample_db.city.Town or anything with ``name``,
    ``commission`` and ``government``.
    """
    if level == "village":
        return village_unit
    if level == "town":
        if category.town_office == "纪委":
            return town.commission
        return town.name + category.town_office
    if level == "county":
        return city + category.county_bureau
    return prefecture + category.city_bureau


def category_named(name: str) -> Category:
    for category in CATEGORIES:
        if category.name == name:
            return category
    raise KeyError(name)
