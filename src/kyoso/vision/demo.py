"""Demo vision of 日立市: a 2050 image, three themes with sub-themes, KPIs with ten years of
history, measures with costs, and citizens' 共感, comments and ratings. All figures are
invented for the demo (labelled as demo data on every page of a demo city).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from kyoso.core.models import City, District, Membership, Role, User
from kyoso.vision.models import (
    Axis,
    Endorsement,
    Kpi,
    KpiActual,
    KpiSource,
    Measure,
    MeasureCost,
    MeasureKpiLink,
    MeasureMilestone,
    PerspectiveRating,
    Stance,
    Theme,
    Vision,
    VisionComment,
)
from kyoso.vision.services.themes import themes_link_catalogue

DEMO_NOTE = "デモデータ"

THEMES: list[tuple[Any, ...]] = [
    # code, parent, name_ja, name_en, summary_ja, target_state_ja, target_state_en
    (
        "green",
        None,
        "グリーン産業都市",
        "Green industrial city",
        "ものづくりのまちの強みを生かし、工場も家庭も少ないエネルギーで動くまちにします。",
        "市内の中小企業の多くが自社のCO2排出量を把握し、削減計画を持っています。"
        "屋根や遊休地の太陽光など、地域でつくった電気を地域で使う仕組みが広がっています。",
        "Most small firms know their CO2 emissions and have a plan to cut them; locally made "
        "solar power is used locally.",
    ),
    (
        "green-business",
        "green",
        "中小企業の脱炭素",
        "Decarbonising small businesses",
        "排出量の見える化、省エネ、設備更新を企業どうしで支え合います。",
        "CO2を見える化する企業が300社に広がり、取引先と一緒に削減に取り組んでいます。",
        "300 firms track their CO2 and cut it together with their business partners.",
    ),
    (
        "green-energy",
        "green",
        "地域の再生可能エネルギー",
        "Local renewable energy",
        "工場の屋根、公共施設、遊休地を使って電気をつくります。",
        "市内の再生可能エネルギーが150MWになり、災害時にも使えます。",
        "Local renewables reach 150 MW and also serve in a disaster.",
    ),
    (
        "health",
        None,
        "デジタル医療・介護",
        "Digital health and care",
        "高齢になっても、子育て中でも、必要な医療と介護に迷わずつながるまちにします。",
        "オンラインでの相談や診療が身近になり、65歳以上の6割がオンラインのサービスを使っています。"
        "夜間の子どもの急な病気は、まず電話やオンラインで相談できます。",
        "Online consultation is part of daily life; 60% of people aged 65+ use online services; "
        "parents can get advice at night before going to the ER.",
    ),
    (
        "health-online",
        "health",
        "オンライン診療・相談",
        "Online care and advice",
        "診療所と市民をオンラインでつなぎます。",
        "通院が難しい人も、自宅から相談や診療を受けられます。",
        "People who find it hard to travel can consult a doctor from home.",
    ),
    (
        "health-care",
        "health",
        "介護と見守り",
        "Care and watching over",
        "一人暮らしの高齢者を、センサーと地域の人で見守ります。",
        "見守りが必要な世帯の多くに、センサーと地域の支え手がいます。",
        "Most households that need it are watched over by sensors and neighbours.",
    ),
    (
        "transit",
        None,
        "公共交通のスマート化",
        "Smart public transport",
        "車がなくても通勤、通院、買い物に困らないまちにします。",
        "ひたちBRTと幹線バスが速く分かりやすく走り、郊外ではデマンド交通が家の近くまで来ます。"
        "バスの位置や混み具合がスマホでも停留所でも分かります。",
        "The BRT and trunk buses are fast and easy to use, demand-responsive transport reaches "
        "the suburbs, and live bus positions are shown on phones and at stops.",
    ),
    (
        "transit-brt",
        "transit",
        "BRTと幹線バス",
        "BRT and trunk buses",
        "専用道を走るBRTを軸に、乗り継ぎやすい路線網にします。",
        "BRTの利用者が年間90万人になり、駅や病院への移動が速くなっています。",
        "900,000 BRT riders a year, with quicker trips to stations and hospitals.",
    ),
    (
        "transit-demand",
        "transit",
        "デマンド交通とMaaS",
        "Demand-responsive transport and MaaS",
        "予約に合わせて走る乗り合い交通と、一つの画面での経路案内を進めます。",
        "郊外に住む人も、予約した乗り合い交通で駅やスーパーに行けます。",
        "People in the suburbs reach stations and shops by booked shared rides.",
    ),
]

# code, theme, name_ja, name_en, unit, direction, baseline (year, value), target (year, value),
# milestones, history as (first year, values...) — invented figures for the demo.
KPIS: list[tuple[Any, ...]] = [
    (
        "co2-emissions",
        "green",
        "市域のCO2排出量",
        "CO2 emissions of the city",
        "千t-CO2",
        "down",
        (2013, 3100),
        (2030, 1674),
        [(2026, 2200)],
        (2015, [3005, 2960, 2890, 2850, 2760, 2540, 2620, 2555, 2480, 2430]),
    ),
    (
        "sme-co2-tracking",
        "green-business",
        "CO2排出量を見える化している中小企業数",
        "Small firms tracking their CO2",
        "社",
        "up",
        (2020, 0),
        (2030, 300),
        [(2027, 150)],
        (2020, [0, 6, 24, 52, 87]),
    ),
    (
        "renewable-capacity",
        "green-energy",
        "市内の再生可能エネルギー導入量",
        "Renewable capacity in the city",
        "MW",
        "up",
        (2015, 38),
        (2030, 150),
        [],
        (2015, [38, 44, 49, 55, 61, 70, 78, 85, 93, 101]),
    ),
    (
        "ev-share",
        "green",
        "新車販売に占める電動車の割合",
        "Share of electrified new cars",
        "%",
        "up",
        (2015, 1.1),
        (2030, 40),
        [],
        (2015, [1.1, 1.3, 1.6, 2.0, 2.6, 3.1, 4.4, 6.0, 8.1, 10.2]),
    ),
    (
        "elderly-online",
        "health",
        "オンラインサービスを使う65歳以上の割合",
        "People aged 65+ using online services",
        "%",
        "up",
        (2016, 12),
        (2031, 60),
        [(2028, 45)],
        (2016, [12, 14, 16, 19, 25, 29, 32, 35, 38]),
    ),
    (
        "child-night-er",
        "health",
        "子どもの夜間救急受診件数",
        "Children's night-time ER visits",
        "件",
        "down",
        (2015, 4800),
        (2031, 3000),
        [],
        (2012, []),  # generated with a clear drop after the night advice line (see _night_er)
    ),
    (
        "online-consultations",
        "health-online",
        "オンライン診療・相談の利用件数",
        "Online consultations",
        "件",
        "up",
        (2019, 200),
        (2031, 20000),
        [],
        (2019, [200, 1900, 3400, 4600, 6100, 7300]),
    ),
    (
        "watch-sensors",
        "health-care",
        "見守りセンサーを使う世帯数",
        "Households with watch-over sensors",
        "世帯",
        "up",
        (2018, 50),
        (2031, 3000),
        [],
        (2018, [50, 140, 390, 610, 820, 1050, 1240]),
    ),
    (
        "brt-ridership",
        "transit-brt",
        "ひたちBRTの年間利用者数",
        "Hitachi BRT riders a year",
        "千人",
        "up",
        (2015, 310),
        (2031, 900),
        [(2027, 700)],
        (2015, [310, 318, 325, 331, 420, 360, 395, 455, 512, 560]),
    ),
    (
        "bus-ridership",
        "transit",
        "路線バスの年間利用者数",
        "Route bus riders a year",
        "万人",
        "up",
        (2020, 540),
        (2031, 700),
        [],
        (2015, [720, 705, 690, 676, 661, 540, 575, 610, 628, 640]),
    ),
    (
        "demand-rides",
        "transit-demand",
        "デマンド交通の利用件数",
        "Demand-responsive rides",
        "件",
        "up",
        (2022, 0),
        (2031, 60000),
        [],
        (2022, [3200, 9800, 16400]),
    ),
    (
        "transit-satisfaction",
        "transit",
        "公共交通に満足している市民の割合",
        "Citizens satisfied with public transport",
        "%",
        "up",
        (2016, 38),
        (2031, 60),
        [],
        (2016, [38, 37, 38, 39, 41, 43, 44, 46, 47]),
    ),
]

# title_ja, title_en, theme, status, start, end, owner_unit, links {kpi: change},
# costs {fy: (budget, actual)} in thousand yen, logic model (inputs, activities, outputs,
# outcomes, impact).
MEASURES: list[tuple[Any, ...]] = [
    (
        "中小企業のCO2見える化支援",
        "CO2 tracking support for small firms",
        "green-business",
        "running",
        date(2021, 4, 1),
        None,
        "産業経済部",
        {"sme-co2-tracking": 250, "co2-emissions": -120},
        {
            2021: (18000, 16500),
            2022: (22000, 21800),
            2023: (24000, 23100),
            2024: (24000, 23600),
            2025: (26000, None),
        },
        (
            "見える化ツールの利用料補助、相談員2名",
            "説明会、個別の入力支援、取引先との勉強会",
            "ツールを使う企業数、削減計画の数",
            "企業の電気・燃料の使用量が減る",
            "市域のCO2排出量が減る",
        ),
    ),
    (
        "工場屋根の太陽光 共同購入",
        "Group purchase of rooftop solar for factories",
        "green-energy",
        "running",
        date(2019, 4, 1),
        None,
        "生活環境部",
        {"renewable-capacity": 45, "co2-emissions": -60},
        {
            2019: (9000, 8700),
            2020: (9000, 8200),
            2021: (12000, 11800),
            2022: (12000, 12100),
            2023: (12000, 11500),
            2024: (14000, 13200),
        },
        (
            "事務局運営費",
            "参加企業の募集と一括見積もり",
            "設置容量",
            "自家消費の電気が増える",
            "CO2排出量が減る",
        ),
    ),
    (
        "公用車のEV化と充電拠点",
        "Electric fleet and chargers",
        "green",
        "running",
        date(2018, 4, 1),
        None,
        "総務部",
        {"ev-share": 6},
        {
            2018: (30000, 29000),
            2019: (30000, 30500),
            2020: (25000, 24000),
            2021: (25000, 25200),
            2022: (20000, 19800),
            2023: (20000, 19000),
            2024: (20000, 18700),
        },
        (
            "車両更新費、充電器設置費",
            "公用車の更新、公共施設への充電器設置",
            "EV台数、充電器数",
            "市民がEVを選びやすくなる",
            "運輸部門のCO2が減る",
        ),
    ),
    (
        "脱炭素コンソーシアム",
        "Decarbonisation consortium",
        "green-business",
        "pilot",
        date(2023, 7, 1),
        None,
        "産業経済部",
        {"co2-emissions": -200, "sme-co2-tracking": 40},
        {2023: (8000, 7400), 2024: (10000, 9600), 2025: (12000, None)},
        (
            "事務局、専門家派遣",
            "大企業と中小企業の共同削減プロジェクト",
            "参加企業数、共同プロジェクト数",
            "サプライチェーン全体の排出が減る",
            "グリーン産業都市",
        ),
    ),
    (
        "省エネ診断の無料派遣",
        "Free energy audits",
        "green-business",
        "running",
        date(2017, 4, 1),
        None,
        "産業経済部",
        {"co2-emissions": -40},
        {
            2017: (8000, 7900),
            2018: (8000, 7800),
            2019: (8000, 7600),
            2020: (8000, 6900),
            2021: (8000, 7700),
            2022: (8000, 7800),
            2023: (8000, 7800),
            2024: (8000, 7900),
        },
        (
            "診断士の派遣費",
            "工場・店舗への省エネ診断",
            "診断件数",
            "設備の運用改善",
            "CO2排出量が減る",
        ),
    ),
    (
        "子どもの夜間電話相談",
        "Night-time advice line for children's illness",
        "health",
        "running",
        date(2019, 4, 1),
        None,
        "保健福祉部",
        {"child-night-er": -900},
        {
            2019: (15000, 14800),
            2020: (15000, 15000),
            2021: (15000, 14900),
            2022: (16000, 15700),
            2023: (16000, 15900),
            2024: (16000, 16000),
        },
        (
            "看護師による相談体制（夜間）",
            "電話とオンラインでの相談",
            "相談件数",
            "急がなくてよい受診が減る",
            "救急医療が本当に必要な人に届く",
        ),
    ),
    (
        "高齢者のスマホ教室",
        "Smartphone classes for older people",
        "health-online",
        "running",
        date(2020, 4, 1),
        None,
        "保健福祉部",
        {"elderly-online": 14},
        {
            2020: (6000, 5200),
            2021: (7000, 6800),
            2022: (7000, 6900),
            2023: (8000, 7700),
            2024: (8000, 7900),
        },
        (
            "講師派遣、貸出用スマホ",
            "交流センターでの少人数教室",
            "受講者数",
            "オンラインで予約や相談ができる高齢者が増える",
            "誰もがデジタルの恩恵を受けられる",
        ),
    ),
    (
        "オンライン診療の導入支援",
        "Helping clinics start online consultations",
        "health-online",
        "pilot",
        date(2022, 4, 1),
        None,
        "保健福祉部",
        {"online-consultations": 9000},
        {2022: (12000, 11000), 2023: (12000, 11900), 2024: (14000, 13500)},
        (
            "機器導入補助",
            "診療所への導入支援と市民への案内",
            "導入した診療所数",
            "通院の負担が減る",
            "医療にアクセスしやすいまち",
        ),
    ),
    (
        "見守りセンサーの設置補助",
        "Watch-over sensor subsidy",
        "health-care",
        "running",
        date(2020, 4, 1),
        None,
        "保健福祉部",
        {"watch-sensors": 1500},
        {
            2020: (10000, 9400),
            2021: (10000, 9900),
            2022: (11000, 10800),
            2023: (11000, 10900),
            2024: (12000, 11600),
        },
        (
            "センサー購入補助",
            "一人暮らし高齢者への案内と設置",
            "設置世帯数",
            "異変に早く気づける",
            "安心して暮らし続けられる",
        ),
    ),
    (
        "紙の健康ポイント手帳",
        "Paper health-points booklet",
        "health",
        "running",
        date(2016, 4, 1),
        None,
        "保健福祉部",
        {"elderly-online": 1},
        {
            2016: (14000, 13800),
            2017: (14000, 13900),
            2018: (14000, 14000),
            2019: (14000, 13700),
            2020: (14000, 12900),
            2021: (14000, 13600),
            2022: (14000, 13800),
            2023: (14000, 13900),
            2024: (14000, 13900),
        },
        (
            "手帳の印刷と集計作業",
            "健診や教室の参加で押印",
            "配布冊数",
            "健康づくりの参加が増える",
            "健康寿命が延びる",
        ),
    ),
    (
        "ひたちBRTの延伸と増便",
        "Hitachi BRT extension and more services",
        "transit-brt",
        "scaled",
        date(2019, 4, 1),
        None,
        "都市建設部",
        {"brt-ridership": 380, "transit-satisfaction": 4},
        {
            2019: (120000, 118000),
            2020: (60000, 58500),
            2021: (50000, 49000),
            2022: (50000, 50500),
            2023: (55000, 54000),
            2024: (55000, 54800),
        },
        (
            "専用道の延伸、車両",
            "延伸区間の運行、朝夕の増便",
            "運行本数、所要時間",
            "BRTの利用者が増える",
            "車がなくても移動できるまち",
        ),
    ),
    (
        "バスの現在地表示",
        "Live bus positions",
        "transit",
        "running",
        date(2020, 10, 1),
        None,
        "都市建設部",
        {"transit-satisfaction": 6, "bus-ridership": 20},
        {
            2020: (9000, 8800),
            2021: (4000, 3900),
            2022: (4000, 4000),
            2023: (4000, 3800),
            2024: (4000, 3900),
        },
        (
            "GTFSリアルタイムの整備、表示板",
            "スマホと主要停留所での表示",
            "表示する停留所数",
            "待ち時間の不安が減る",
            "公共交通が選ばれる",
        ),
    ),
    (
        "郊外のデマンド交通",
        "Demand-responsive transport in the suburbs",
        "transit-demand",
        "pilot",
        date(2022, 10, 1),
        None,
        "都市建設部",
        {"demand-rides": 40000},
        {2022: (20000, 18000), 2023: (30000, 29000), 2024: (32000, 31500)},
        (
            "車両と運転手の委託、予約システム",
            "電話とアプリでの予約運行",
            "運行回数",
            "郊外の人が出かけやすくなる",
            "どこに住んでも移動に困らない",
        ),
    ),
    (
        "紙の時刻表の全戸配布",
        "Paper timetables to every household",
        "transit",
        "running",
        date(2015, 4, 1),
        None,
        "都市建設部",
        {"transit-satisfaction": 1},
        {
            2019: (6000, 5900),
            2020: (6000, 6000),
            2021: (6000, 5800),
            2022: (6000, 5900),
            2023: (6000, 5900),
            2024: (6000, 6000),
        },
        ("印刷・配布費", "年1回の全戸配布", "配布部数", "時刻表が手元にある", "公共交通が使われる"),
    ),
]

COMMENTS = [
    (
        None,
        None,
        Stance.SUPPORT,
        "車がなくても暮らせるまちは、親の世代にも子どもの世代にも大切だと思います。",
    ),
    (None, None, Stance.QUESTION, "2050年の姿を、市民はどうやって一緒に見直せるのでしょうか。"),
    ("health", None, Stance.SUPPORT, "夜に子どもが熱を出したとき、電話で相談できて助かりました。"),
    (
        "health",
        "紙の健康ポイント手帳",
        Stance.CONCERN,
        "手帳はなくしやすく、集計も大変そうです。別の方法がよいと思います。",
    ),
    ("health", "紙の健康ポイント手帳", Stance.CONCERN, "押印のために窓口へ行くのが負担です。"),
    ("transit", "ひたちBRTの延伸と増便", Stance.SUPPORT, "BRTが増便して通勤が楽になりました。"),
    ("transit", "紙の時刻表の全戸配布", Stance.CONCERN, "時刻表は停留所とスマホで十分です。"),
    ("green", None, Stance.SUPPORT, "工場のまちだからこそ、脱炭素で先頭に立ってほしいです。"),
    (
        "green",
        "省エネ診断の無料派遣",
        Stance.CONCERN,
        "診断を受けても、設備を替えるお金がなければ進みません。",
    ),
]


def _vision(city: City) -> None:
    Vision.objects.create(
        city=city,
        title_ja="人と技術が支え合い、誰もが挑戦できる海と山のまち",
        title_en="A city by the sea and hills where people and technology support each other",
        future_image_ja=(
            "2050年の日立市では、ものづくりの技術が暮らしの課題を解くために使われています。"
            "工場も家庭も地域でつくった電気で動き、CO2の排出は実質ゼロです。"
            "年を重ねても、自宅から医師に相談でき、必要なときには迷わず医療と介護につながります。"
            "BRTとバス、乗り合い交通がつながり、車がなくても海辺から山あいまで移動できます。"
            "市民、企業、市が同じデータを見て話し合い、まちの次の一歩を一緒に決めています。"
        ),
        future_image_en=(
            "In 2050 Hitachi's manufacturing know-how is put to work on everyday problems. "
            "Factories and homes run on locally made power and net CO2 emissions are zero. "
            "Older people can consult a doctor from home and find care without confusion. "
            "The BRT, buses and shared rides connect the coast and the hills, so no one needs a "
            "car. Citizens, companies and the city look at the same data and decide the next "
            "steps together."
        ),
        horizon_year=2050,
        target_state_ja=(
            "2031年には、CO2排出量が2013年度比で4割以上減り、65歳以上の6割がオンラインの"
            "サービスを使い、BRTの利用者が年間90万人に達しています。"
        ),
        target_state_en=(
            "By 2031 CO2 emissions are over 40% below FY2013, 60% of people aged 65+ use online "
            "services, and the BRT carries 900,000 riders a year."
        ),
        target_year=2031,
    )


def _night_er(rng: random.Random) -> list[tuple[int, float]]:
    """Children's night ER visits: a slow decline, then a clear drop once the line opens (2019)."""
    out: list[tuple[int, float]] = []
    for year in range(2012, 2026):
        trend = 5000 - 45 * (year - 2012)
        drop = -720 - 30 * (year - 2019) if year >= 2019 else 0
        out.append((year, round(trend + drop + rng.gauss(0, 40))))
    return out


def load(city: City, rng: random.Random) -> None:
    if city.slug != "hitachi":
        return
    _vision(city)
    themes: dict[str, Theme] = {}
    for order, (code, parent, name_ja, name_en, summary, target_ja, target_en) in enumerate(THEMES):
        themes[code] = Theme.objects.create(
            city=city,
            parent=themes[parent] if parent else None,
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            summary_ja=summary,
            target_state_ja=target_ja,
            target_state_en=target_en,
            target_year=2031,
            sort_order=order,
        )
    themes_link_catalogue(city=city)  # vision's themes belong to the city's catalogue
    staff = User.objects.filter(email="staff@hitachi.example").first()
    kpis: dict[str, Kpi] = {}
    actuals: list[KpiActual] = []
    for order, (
        code,
        theme,
        name_ja,
        name_en,
        unit,
        direction,
        base,
        target,
        ms,
        hist,
    ) in enumerate(KPIS):
        kpi = Kpi.objects.create(
            city=city,
            theme=themes[theme],
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            description_ja=f"{name_ja}（{DEMO_NOTE}）",
            unit=unit,
            direction=direction,
            baseline_year=base[0],
            baseline_value=Decimal(str(base[1])),
            target_year=target[0],
            target_value=Decimal(str(target[1])),
            milestones=[{"year": y, "value": str(v)} for y, v in ms],
            source=KpiSource.CSV,
            owner=staff,
            owner_unit="政策企画課",
            sort_order=order,
        )
        kpis[code] = kpi
        series = (
            _night_er(rng)
            if code == "child-night-er"
            else [(hist[0] + i, v) for i, v in enumerate(hist[1])]
        )
        actuals.extend(
            KpiActual(
                city=city,
                kpi=kpi,
                year=year,
                month=0,
                value=Decimal(str(value)),
                note=DEMO_NOTE,
                source=KpiSource.CSV,
                entered_by=staff,
            )
            for year, value in series
        )
    KpiActual.objects.bulk_create(actuals)
    measures: dict[str, Measure] = {}
    links: list[MeasureKpiLink] = []
    costs: list[MeasureCost] = []
    milestones: list[MeasureMilestone] = []
    for (
        title_ja,
        title_en,
        theme,
        status,
        start,
        end,
        unit,
        kpi_changes,
        cost_rows,
        logic,
    ) in MEASURES:
        m = Measure.objects.create(
            city=city,
            theme=themes[theme],
            title_ja=title_ja,
            title_en=title_en,
            description_ja=f"{title_ja}の取り組みです（{DEMO_NOTE}）。",
            status=status,
            owner=staff,
            owner_unit=unit,
            start_date=start,
            end_date=end,
            inputs=logic[0],
            activities=logic[1],
            outputs=logic[2],
            outcomes=logic[3],
            impact=logic[4],
        )
        measures[title_ja] = m
        links.extend(
            MeasureKpiLink(
                city=city, measure=m, kpi=kpis[code], expected_change=Decimal(str(change))
            )
            for code, change in kpi_changes.items()
        )
        costs.extend(
            MeasureCost(
                city=city,
                measure=m,
                year=fy,
                budget_yen=Decimal(budget * 1000),
                actual_yen=None if actual is None else Decimal(actual * 1000),
            )
            for fy, (budget, actual) in cost_rows.items()
        )
        milestones.append(
            MeasureMilestone(
                city=city,
                measure=m,
                title_ja="中間振り返り",
                title_en="Mid-term review",
                due_date=date(2027, 3, 31),
            )
        )
    MeasureKpiLink.objects.bulk_create(links)
    MeasureCost.objects.bulk_create(costs)
    MeasureMilestone.objects.bulk_create(milestones)
    _participation(city, rng, themes, measures)


def _participation(
    city: City, rng: random.Random, themes: dict[str, Theme], measures: dict[str, Measure]
) -> None:
    """Simulated citizens (unusable passwords) sharing the vision, commenting and rating."""
    districts = list(District.objects.filter(city=city))
    users = []
    for i in range(160):
        u = User(
            email=f"vision-demo-{i:03d}@hitachi.example",
            display_name=f"市民{i + 1}",
            birth_year=rng.choice(range(1938, 2006)),
        )
        u.set_unusable_password()
        users.append(u)
    users = User.objects.bulk_create(users)
    home = {u.pk: rng.choice(districts) if districts else None for u in users}
    Membership.objects.bulk_create(
        Membership(city=city, user=u, role=Role.CITIZEN, district=home[u.pk]) for u in users
    )
    top = [t for t in themes.values() if t.parent_id is None]
    endorsements = []
    for u in users:
        band = u.age_band(2026)
        if rng.random() < 0.7:
            endorsements.append(
                Endorsement(city=city, user=u, theme=None, district=home[u.pk], age_band=band)
            )
        for t in top:
            if rng.random() < {"green": 0.35, "health": 0.55, "transit": 0.5}[t.code]:
                endorsements.append(
                    Endorsement(city=city, user=u, theme=t, district=home[u.pk], age_band=band)
                )
    Endorsement.objects.bulk_create(endorsements)
    comments = []
    for i, (theme, measure, stance, body) in enumerate(COMMENTS):
        comments.append(
            VisionComment(
                city=city,
                user=users[i],
                theme=themes[theme] if theme else None,
                measure=measures[measure] if measure else None,
                stance=stance,
                body=body,
            )
        )
    VisionComment.objects.bulk_create(comments)
    # Citizens rate convenience high for popular measures and low for the paper ones.
    liking = {
        "紙の健康ポイント手帳": 1.8,
        "紙の時刻表の全戸配布": 2.2,
        "省エネ診断の無料派遣": 2.6,
        "ひたちBRTの延伸と増便": 4.3,
        "子どもの夜間電話相談": 4.5,
        "高齢者のスマホ教室": 4.0,
    }
    ratings = []
    for title, m in measures.items():
        centre = liking.get(title, 3.5)
        for u in users[20:44]:
            for axis, shift in (
                (Axis.CONVENIENCE, 0.0),
                (Axis.FAIRNESS, -0.3),
                (Axis.ECONOMICS, -0.6),
            ):
                score = min(5, max(1, round(rng.gauss(centre + shift, 0.7))))
                ratings.append(
                    PerspectiveRating(
                        city=city, measure=m, axis=axis, rater=u, role=Role.CITIZEN, score=score
                    )
                )
    business = User.objects.filter(email="business@hitachi.example").first()
    if business is not None:
        for m in measures.values():
            economics = 2 if m.theme.code.startswith("health") else 4
            ratings.append(
                PerspectiveRating(
                    city=city,
                    measure=m,
                    axis=Axis.ECONOMICS,
                    rater=business,
                    role=Role.BUSINESS,
                    score=economics,
                )
            )
    PerspectiveRating.objects.bulk_create(ratings)
