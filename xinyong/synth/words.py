"""Word lists for synthetic names, as data.

Every character here is in GB 2312, so any name built from them can be written to a GBK
feed; a test checks this. The lists imitate the make-up of real registers (common
surnames first, trade-name characters that registrars see every day) but no entry names
a real organisation or person.
"""

from __future__ import annotations

#: The commonest surnames, most frequent first; a few compound surnames at the end.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")

#: Characters used in given names.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯婷雪琳晨"
    "欣怡子涵梓轩博文佳琪雨桐俊杰思远嘉豪一鸣晓东海燕春梅秋菊立新建华永强德胜振宇天佑"
)

#: Characters that make up trade names (字号): auspicious, ordinary, easy to read.
TRADE = (
    "鑫盛华泰恒瑞达源星辰宏远博安信诚嘉和兴旺德明创智联金天润新开拓峰海云龙凯睿晟昊宸"
    "锦程启航卓越腾飞众合汇通永丰佳美优品尚嘉悦康宁福顺祥万隆富民利民聚鼎铭远方圆致远"
)

#: Industry words and the sector each belongs to (sectors steer which departments act).
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("科技", "tech"),
    ("信息技术", "tech"),
    ("网络科技", "tech"),
    ("软件技术", "tech"),
    ("电子", "tech"),
    ("生物科技", "tech"),
    ("商贸", "trade"),
    ("贸易", "trade"),
    ("电子商务", "trade"),
    ("商业管理", "trade"),
    ("餐饮管理", "food"),
    ("食品", "food"),
    ("餐饮", "food"),
    ("饮品", "food"),
    ("建筑工程", "build"),
    ("建设工程", "build"),
    ("装饰工程", "build"),
    ("建材", "build"),
    ("房地产开发", "estate"),
    ("物业管理", "estate"),
    ("机械设备", "make"),
    ("塑料制品", "make"),
    ("印刷", "make"),
    ("服装", "make"),
    ("化工", "chem"),
    ("涂料", "chem"),
    ("物流", "logistics"),
    ("运输", "logistics"),
    ("供应链管理", "logistics"),
    ("环保科技", "env"),
    ("环境工程", "env"),
    ("文化传媒", "service"),
    ("教育咨询", "service"),
    ("企业管理咨询", "service"),
    ("广告", "service"),
    ("医疗器械", "service"),
    ("健康管理", "service"),
    ("人力资源", "service"),
)

#: Legal forms of enterprises (9/1) and how often each occurs.
FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 0.55),
    ("有限责任公司", 0.33),
    ("股份有限公司", 0.06),
    ("合伙企业（有限合伙）", 0.04),
    ("个人独资企业", 0.02),
)

#: What individual businesses (9/2) are: the shop word ends the name.
SHOPS = (
    "便利店",
    "超市",
    "五金店",
    "面馆",
    "小吃店",
    "水果店",
    "服装店",
    "理发店",
    "烟酒店",
    "家电维修部",
    "快餐店",
    "蔬菜店",
    "文具店",
    "汽车修理部",
    "粮油店",
    "茶叶店",
    "花店",
    "干洗店",
    "眼镜店",
    "日用品商店",
)

#: Products of farmers' cooperatives (9/3).
COOP_PRODUCTS = (
    "蔬菜种植",
    "果品",
    "畜禽养殖",
    "农机服务",
    "花卉",
    "食用菌",
    "苗木",
    "粮食种植",
    "蜂业",
)

#: Social associations (5/1), private non-enterprise units (5/2), foundations (5/3).
ASSOCIATIONS = ("协会", "商会", "联合会", "研究会", "促进会")
ASSOCIATION_TOPICS = (
    "餐饮行业",
    "软件行业",
    "物业管理",
    "建筑装饰",
    "个体劳动者",
    "书法",
    "摄影",
    "老年体育",
    "科技企业",
    "电子商务",
    "家政服务",
    "物流行业",
    "园艺",
    "青年企业家",
)
NON_ENTERPRISES = (
    "培训学校",
    "养老服务中心",
    "社会工作服务中心",
    "幼儿园",
    "康复中心",
    "文化发展中心",
    "社区服务中心",
    "职业技能培训学校",
)
FOUNDATIONS = ("公益基金会", "教育基金会", "慈善基金会")

#: Government organs (1/1) of a district and offices of its sub-districts.
ORGANS = (
    "财政局",
    "教育委员会",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "商务局",
    "文化和旅游局",
    "统计局",
    "审计局",
    "水务局",
    "园林绿化局",
    "退役军人事务局",
    "医疗保障局",
    "体育局",
)
STREET_OFFICES = ("街道办事处", "街道综合执法队", "街道社区服务中心")

#: Public institutions (1/2).
INSTITUTIONS = (
    "社区卫生服务中心",
    "中学",
    "小学",
    "幼儿园",
    "文化馆",
    "图书馆",
    "政务服务中心",
    "疾病预防控制中心",
    "职业学校",
    "档案馆",
    "少年宫",
    "劳动保障事务所",
)
