"""Invented test cases for town / township / street mentions in Chinese
county- and district-level government text.

Written by a survey of real pages (issue 16, point 4). Every place name below is made up (鹭汀, 蕨坪, 苔石, 枳湾 ...); the sentences are
my own wording. Each case copies only the *layout* seen on a real page, and
the comment names that layout and the page it was modelled on.

expected = the full names a reader would say the text names:
  * abbreviated lists are completed with their shared suffix
    ("苇塘、枳湾两镇" -> {"苇塘镇", "枳湾镇"});
  * a town inside a unit name (X镇人民政府, X镇党委) counts as naming X镇;
  * villages (X村), counties (X县), districts (X区) and generic words
    (乡镇, 城镇, 小城镇, 特色小镇, 中心镇, 重点镇, 各镇, 城乡, 下乡, 返乡 ...)
    are never expected.
"""

SURVEY_CASES = [
    # ---------------- positive: lists with full names ----------------
    # [full-name list / notice addressee] town-level unit after "各乡镇人民政府、"
    # modelled on https://www.longli.gov.cn/zwgk/zfgb/2018/d4q/xrmzfbgswj/201905/t20190509_5877920.html
    ("各乡镇人民政府、鹭汀街道办事处，县政府各部门：现将整治方案印发给你们，请结合实际抓好落实。",
     {"鹭汀街道"}),

    # [full-name unit name in addressee, town after "各街道办事处、"]
    # modelled on http://www.nbjiangbei.gov.cn/art/2020/5/8/art_113389_129219.html
    ("各街道办事处、柘岭镇人民政府，区政府各部门、直属单位：《改造行动方案》已经区政府同意，现予印发。",
     {"柘岭镇"}),

    # [full-name list with district/county prefix as sentence subject, "示范镇" generic]
    # modelled on http://liangthing.com.cn/policy/show-561.html
    # (same layout with county prefixes: http://m.runthegoodtimes.com/gongwen/baogao/1500728.html)
    ("我市北塬区枳湾镇、南川区菱口镇被确定为本年度乡村振兴示范镇，示范镇补助资金由市财政统筹。",
     {"枳湾镇", "菱口镇"}),

    # [full-name list after a colon, one 街道 mixed into a list of 镇; "一般镇" generic]
    # modelled on http://yunnanlong.com/c/0Z91533V02022_2.html
    ("四个一般镇：包括蕨坪镇、鹭汀镇、菱口街道、枳湾镇，规划城镇人口各1至2万人。",
     {"蕨坪镇", "鹭汀镇", "菱口街道", "枳湾镇"}),

    # [responsibility-unit parenthesis after a task, towns after "责任单位："]
    # modelled on http://www.jinxiang.gov.cn/art/2025/2/28/art_70552_2773466.html
    ("12.完成两处农贸市场提升改造。（牵头单位：县商务局；责任单位：鹭汀镇、蕨坪镇）",
     {"鹭汀镇", "蕨坪镇"}),

    # ---------------- positive: abbreviated lists with a shared suffix ----------------
    # [abbreviated street list "A、B街道办事处" in addressee]
    # modelled on http://www.snxx.gov.cn/xxxzf/xxzwgk/xxgknr/zfwj/zfwj/202304/b7c1d474861643ff94f89cf2a3d218a0.shtml
    ("各镇人民政府，砚北、砚南街道办事处，县政府各部门：现将任务分解一览表印发给你们。",
     {"砚北街道", "砚南街道"}),

    # [abbreviated list "A、B、C、D等4镇N村"]
    # modelled on http://www.hadlsm.com/news/qa/2016082909472848396.htm
    ("首批整村搬迁涉及蕨坪、栗川、苔石、枳湾等4镇7村，共新建集中安置点7处。",
     {"蕨坪镇", "栗川镇", "苔石镇", "枳湾镇"}),

    # [abbreviated list "等N乡镇" whose suffix is only resolved by a later mention]
    # modelled on http://www.hadlsm.com/news/qa/2016082909472848396.htm
    ("第二批搬迁桐坳、菱口等2乡镇5村，其中桐坳乡3个村、菱口镇2个村，采取插花安置。",
     {"桐坳乡", "菱口镇"}),

    # [abbreviated list "A、B、C三个镇" and "A、B等镇"]
    # modelled on http://my.00-net.com/sl/zs/bk_576423.html
    ("北部片区包括苔口、柘桥、蓼川三个镇，南部片区包括苇塘、砚岗等镇，重点发展生态农业。",
     {"苔口镇", "柘桥镇", "蓼川镇", "苇塘镇", "砚岗镇"}),

    # [abbreviated list after a verb, closed by "等镇"; "以工强镇" generic]
    # modelled on http://bhxww.cn/epaper/news.php?id=4479
    ("调研组实地察看了蓼川、苔口、枳湾等镇的工业园区，要求坚持以工强镇。",
     {"蓼川镇", "苔口镇", "枳湾镇"}),

    # [abbreviated pair "A、B两镇" after a verb]
    # modelled on https://www.bkwk.cn/article/jgjflzldghfzxlt.html
    ("推动苇塘、枳湾两镇组团发展，共建一条农旅融合示范带。",
     {"苇塘镇", "枳湾镇"}),

    # [abbreviated list "A、B 2个中心镇" where A's own name ends in 镇 -> "苇镇镇"; "中心镇" generic]
    # modelled on https://town.zjol.com.cn/czjsb/202505/t20250520_31004264.shtml
    ("强化苇镇、枫溪2个中心镇的支撑作用，苇镇镇重点打造工业强镇，枫溪镇突出文旅特色。",
     {"苇镇镇", "枫溪镇"}),

    # [single-character town name "X镇" followed by "等N个镇"; "示范镇" generic]
    # modelled on http://www.marlboros.cc/news/xnc/2012-08-25/254.html
    ("省政府确定青阳市蓼镇等60个镇为本轮示范镇，给予项目和资金倾斜。",
     {"蓼镇"}),

    # ---------------- positive: single town in running text ----------------
    # [sentence subject "A镇要…"; "产业示范强镇" generic]
    # modelled on https://www.ningshan.gov.cn/Content-692646.html
    ("榆坪镇要抓住春季建园时机，三年内建成一个产业示范强镇。",
     {"榆坪镇"}),

    # [unit name "A镇党委、政府" as subject; "镇村干部" generic]
    # modelled on http://www.aqzyzx.com/xiangzhen/202208/t20220802_6234533.html
    ("云杉铺镇党委、政府召开全体镇村干部会议，部署惠民政策摸底登记工作。",
     {"云杉铺镇"}),

    # [unit name with city/district prefix as signature + bare short name "苔石" used later]
    # modelled on http://www.lucheng.gov.cn/art/2020/10/22/art_1229443018_2039002.html
    ("汀阳市北塬区苔石镇人民政府印发应急预案。苔石镇地处山区，结合苔石实际，建设平安苔石。",
     {"苔石镇"}),

    # [town name containing 道 ("七道坳镇") in a unit name]
    # modelled on http://www.linkou.gov.cn/view.php?id=42666
    ("七道坳镇党委、政府强调，近期降雪较多，包村干部要及时排查各村危旧房屋。",
     {"七道坳镇"}),

    # [town followed by a village "A镇B村"; town name begins with 中心 but is not "中心镇"]
    # modelled on http://wap.reportway.org/hangyexinwen/27032013430.html
    ("市规划局驻村工作组到结对帮扶的中心坝镇西岙村开展对接，制定年度帮扶计划。",
     {"中心坝镇"}),

    # [town as subject, villages abbreviated "A、B两村"]
    # modelled on http://m.fqjz1.com/gongkai/show/20200509095310-29190-00-000.html
    ("菱口镇召开村级建制调整部署会，蒿坪、石磴两村驻村干部参加。",
     {"菱口镇"}),

    # [ethnic township as subject, neighbouring towns after 接/邻]
    # modelled on https://m.taowenge.com/p-24251692.html
    ("枳湾彝族乡位于县城东郊，东接苇塘镇，西北邻砚田镇，全乡以丘陵为主。",
     {"枳湾彝族乡", "苇塘镇", "砚田镇"}),

    # [ethnic township whose name contains 镇 ("柘营镇回族乡"), multi-ethnic township]
    # modelled on http://minwang.com.cn/mzwhzyk/674771/689891/716802/739378/index.html
    ("将柘营镇回族乡和蒿沟满族蒙古族乡纳入民族团结进步示范创建范围。",
     {"柘营镇回族乡", "蒿沟满族蒙古族乡"}),

    # [street as subject + short form of the same street inside a document title]
    # modelled on https://www.shhk.gov.cn/xwzx/002005/20141225/f67ce228-82e3-4232-872e-72aafce7063e.html
    # (the short form 菱湖街道 is what the text literally writes, so both are expected)
    ("菱湖新村街道成立创建领导小组，编制《菱湖街道创建工作责任分工表》，把指标落实到各居民区。",
     {"菱湖新村街道", "菱湖街道"}),

    # [street as subject, then "我街" self-reference]
    # modelled on http://www.cs0799.com/portal.php?aid=87795&mod=view
    ("东岚街道把创建文明城市作为补齐短板的抓手，下一步我街将对临时疏导区开展常态化巡查。",
     {"东岚街道"}),

    # ---------------- negative / tricky: no town named ----------------
    # [generic: 我镇 / 全镇 / 百县千镇万村]
    # modelled on http://shao168.com/daojiao/jjd40/czkx/content/post_4012668.html
    ("我镇召开动员大会，对全镇落实“百县千镇万村高质量发展工程”进行再部署，各村（社区）书记参加。",
     set()),

    # [generic: 乡镇 / 重点帮扶镇 / 巩固提升镇 / 驻镇帮镇扶村]
    # modelled on http://www.rexun.cn/guonei/2021/0611/061162751.html
    ("全省乡镇分为重点帮扶镇、巩固提升镇和先行示范镇三类，组团开展驻镇帮镇扶村工作。",
     set()),

    # [generic: 中心镇 / 特色镇 / 专业镇 / 小城镇 / 特色小镇]
    # modelled on http://www.lysjjx.com/doc/2023/10/25/385473.shtml
    ("引导中心镇、特色镇、专业镇因地制宜发展，推动小城镇与特色小镇协同建设。",
     set()),

    # [generic addressee "各乡（镇）人民政府" + 城乡 / 城镇化]
    # modelled on http://www.lysjjx.com/doc/2023/10/25/385473.shtml
    ("各乡（镇）人民政府，县直各有关单位：为推进城乡融合和新型城镇化，现将实施方案印发给你们。",
     set()),

    # [county name containing 乡 ("蓼乡县") + "茶乡" slogan; no town named]
    # modelled on http://www.snxx.gov.cn/xxxzf/xxzwgk/xxgknr/zfwj/zfwj/202304/b7c1d474861643ff94f89cf2a3d218a0.shtml
    ("蓼乡县人民政府关于印发年度任务分解表的通知，请各镇、各部门加快建设生态茶乡。",
     set()),

    # [generic: 回乡 / 下乡 / 兴乡 / 集镇 / 镇区]
    # modelled on https://haowye.com/xinwendongtai/dangjiandongtai/902
    ("鼓励能人回乡、人才下乡、企业兴乡，巩固集镇环境整治成果，进一步改善镇区面貌。",
     set()),

    # [generic: 县城—中心镇—重点村 / 美丽城镇]
    # modelled on https://town.zjol.com.cn/czjsb/202505/t20250520_31004264.shtml
    ("建强“县城—中心镇—重点村”发展轴，力争本年度成功创建省级美丽城镇。",
     set()),
]


if __name__ == "__main__":
    n_neg = sum(1 for _, exp in SURVEY_CASES if not exp)
    print(len(SURVEY_CASES), "cases,", n_neg, "with no town named")
