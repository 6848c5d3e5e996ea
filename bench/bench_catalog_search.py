"""Benchmark: catalog search on a Tianjin-size synthetic catalog (SQLite FTS5).

Generates ~108,500 items deterministically (``--seed``) from subjects × actions × areas —
1,500 city items, 16 districts × ~812 and 272 streets × ~345, like the 津心办 figures —
bulk-inserts them into a temporary SQLite file at the newest schema (the migration's
triggers fill the FTS5 index), then times ``plugins.services.api.search_items`` — the
same call the portal makes, count and views included — over a fixed set of Chinese and English
queries with filters. Goal: p95 under 100 ms.

    .venv/bin/python bench/bench_catalog_search.py [--seed 1] [--repeat 5] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from core import schema
from core.config import Config
from core.platform import Platform
from plugins.services import api
from plugins.services.catalog import normalize_item
from plugins.services.models import Item
from plugins.services.search import index_text

GOAL_MS = 100.0
CITY, DISTRICTS, STREETS = 1_500, 16, 272
PER_DISTRICT, PER_STREET = 812, 345

# (zh, en, type, department) — the things items are about
SUBJECTS = [
    ("食品经营", "food business", "01", "approval"), ("民办幼儿园办学", "private kindergarten",
                                                        "01", "approval"),
    ("个体工商户", "individual business", "01", "approval"), ("居住证", "residence permit",
                                                           "21", "public_security"),
    ("生育登记", "birth registration", "21", "service_centre"),
    ("灵活就业", "flexible employment", "21", "service_centre"),
    ("老年人优待证", "senior citizen card", "22", "service_centre"),
    ("最低生活保障", "minimum living allowance", "05", "service_centre"),
    ("临时救助", "emergency assistance", "05", "service_centre"),
    ("公共场所卫生", "public venue hygiene", "01", "approval"),
    ("户外广告设施", "outdoor advertising", "01", "city_management"),
    ("临时占用城市道路", "temporary road occupation", "01", "city_management"),
    ("城市树木砍伐", "city tree felling", "01", "city_management"),
    ("建筑垃圾处置", "construction waste disposal", "01", "city_management"),
    ("药品零售", "retail pharmacy", "01", "approval"), ("医疗机构执业", "medical institution",
                                                      "01", "health"),
    ("教师资格", "teacher qualification", "07", "education"),
    ("义务教育入学", "school enrolment", "21", "education"),
    ("网络预约出租汽车", "ride-hailing", "01", "transport"),
    ("公共租赁住房", "public rental housing", "21", "housing_construction"),
    ("住房公积金", "housing provident fund", "21", "housing_fund"),
    ("残疾人补贴", "disability subsidy", "05", "service_centre"),
    ("退役军人优待", "veterans benefits", "21", "veterans"),
    ("动物防疫条件", "animal epidemic prevention", "01", "agriculture"),
    ("农村宅基地", "rural homestead", "01", "service_centre"),
    ("消防安全检查", "fire safety inspection", "01", "fire_rescue"),
    ("建设工程规划", "construction planning", "01", "approval"),
    ("排水许可", "drainage permit", "01", "water"),
    ("取水许可", "water abstraction", "01", "water"),
    ("特种设备使用登记", "special equipment registration", "07", "market_regulation"),
    ("营业性演出", "commercial performance", "01", "culture_tourism"),
    ("互联网上网服务", "internet cafe", "01", "culture_tourism"),
    ("社会团体", "social organisation", "01", "civil_affairs"),
    ("民办非企业单位", "private non-enterprise unit", "01", "civil_affairs"),
    ("婚姻登记", "marriage registration", "07", "civil_affairs"),
    ("殡葬补贴", "funeral subsidy", "05", "service_centre"),
    ("职业技能培训", "vocational training", "01", "human_resources_social_security"),
    ("失业保险金", "unemployment insurance", "05", "human_resources_social_security"),
    ("劳动合同备案", "employment contract filing", "20", "human_resources_social_security"),
    ("危险化学品经营", "hazardous chemicals trading", "01", "emergency"),
    ("烟草专卖零售", "tobacco retail", "01", "market_regulation"),
    ("出版物零售", "publication retail", "01", "culture_tourism"),
    ("机动车维修", "vehicle repair", "20", "transport"),
    ("道路货物运输", "road freight", "01", "transport"),
    ("环境影响评价", "environmental impact assessment", "01", "ecology"),
]
ACTIONS = [
    ("许可", "licence"), ("设立", "establishment"), ("变更", "change"), ("延续", "renewal"),
    ("注销", "cancellation"), ("补办", "replacement"), ("备案", "filing"), ("查询", "enquiry"),
    ("年度报告", "annual report"), ("证明开具", "certificate"), ("申请", "application"),
    ("审核", "review"), ("咨询", "advice"), ("预约", "appointment"), ("补贴申领", "subsidy claim"),
    ("变更登记", "change of registration"), ("延期", "extension"), ("撤销", "revocation"),
    ("复核", "re-examination"), ("换发", "reissue"), ("核准", "approval"),
    ("资格认定", "eligibility"), ("初审", "first review"), ("年检", "annual inspection"),
    ("迁移", "transfer"), ("信息更正", "correction"), ("进度查询", "progress enquiry"),
    ("结果公示", "publication of results"), ("证书补发", "duplicate certificate"),
    ("告知承诺", "approval on commitment"), ("容缺受理", "acceptance pending documents"),
    ("网上办理", "online service"), ("跨区通办", "cross-district service"),
]

QUERIES = [
    ({"q": "幼儿园"}, "zh word"), ({"q": "食品经营 许可"}, "zh two words"),
    ({"q": "居住证"}, "zh word"), ({"q": "补贴"}, "zh common word"),
    ({"q": "许可"}, "zh very common word"), ({"q": "证"}, "zh single character"),
    ({"q": "公积金 提取"}, "zh no exact match"), ({"q": "kindergarten"}, "en word"),
    ({"q": "food licence"}, "en two words"), ({"q": "subsidy"}, "en common word"),
    ({"q": "regist"}, "en prefix"), ({"q": "许可", "level": "street"}, "zh + level"),
    ({"q": "补贴", "district": "120105"}, "zh + district"),
    ({"q": "licence", "type": "01", "level": "district"}, "en + type + level"),
    ({"q": "变更", "department": "city_management"}, "zh + department"),
    ({"level": "city"}, "filter only: level"), ({"district": "120110", "type": "05"},
                                                "filter only: district + type"),
    ({"q": "夜市 摊位"}, "zh rare"), ({"q": "ride-hailing driver"}, "en phrase"),
    ({"q": "住房", "district": "120101", "level": "street"}, "zh + district + level"),
]


def synthetic_items(seed: int, scale: float) -> list[dict]:
    """Items for the city, every district and every street, deterministic in ``seed``."""
    rng = random.Random(seed)
    pool = [(s, a) for s in SUBJECTS for a in ACTIONS]
    out: list[dict] = []

    def make(n: int, level: str, area: str | None, dept_level: str) -> None:
        for k, ((zh, en, typ, dept), (azh, aen)) in enumerate(rng.sample(pool, min(n, len(pool)))):
            code = f"{level[0]}{area or '120000'}-{k:04d}"
            out.append({
                "code": code, "name": {"zh": f"{zh}{azh}", "en": f"{en} {aen}"},
                "type": typ, "level": level, "department": dept, "area_code": area,
                "keywords": [zh, en], "time_limit": {"legal": 20, "promised": rng.randint(1, 15)},
                "visits": rng.choice((0, 0, 0, 1, 2)), "delivery": ["electronic"],
                "form": {"type": "object", "properties": {}},
            })

    make(int(CITY * scale), "city", None, "city")
    for d in range(1, DISTRICTS + 1):
        district = f"1201{d:02d}"
        make(int(PER_DISTRICT * scale), "district", district, "district")
        for s in range(1, STREETS // DISTRICTS + 1):
            make(int(PER_STREET * scale), "street", f"{district}{s:03d}", "street")
    return out


def build(path: Path, seed: int, scale: float) -> Platform:
    config = Config.load(instance_path=path.parent, database_url=f"sqlite:///{path}")
    platform = Platform(config)
    schema.upgrade(platform.pm, platform.engine)
    items = synthetic_items(seed, scale)
    t = time.perf_counter()
    rows = []
    for raw in items:
        item = normalize_item(raw)
        rows.append({"code": item["code"], "name_zh": item["name"]["zh"],
                     "name_en": item["name"]["en"], "type": item["type"], "level": item["level"],
                     "department": item["department"], "area_code": item["area_code"],
                     "online": item["online"], "visits": item["visits"], "data": item,
                     "search_tokens": index_text(item)})
    with platform.session() as s:
        for i in range(0, len(rows), 5000):
            s.execute(insert(Item), rows[i : i + 5000])
    with platform.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO svc_item_fts(svc_item_fts) VALUES ('optimize')")
        conn.exec_driver_sql("ANALYZE")
    print(f"built {len(rows):,} items in {time.perf_counter() - t:.1f} s "
          f"({path.stat().st_size / 1e6:.0f} MB)")
    return platform


def run(platform: Platform, repeat: int) -> list[tuple[str, str, float, int]]:
    out = []
    with platform.session() as s:
        for params, _ in QUERIES:  # warm the page cache once
            api.search_items(s, **params)
        for params, label in QUERIES:
            times, total = [], 0
            for _ in range(repeat):
                t = time.perf_counter()
                page = api.search_items(s, **params)
                times.append((time.perf_counter() - t) * 1000)
                total = page.total
            out.append((label, " ".join(f"{k}={v}" for k, v in params.items()),
                        statistics.median(times), total))
            for ms in times:
                out.append(("_sample", "", ms, 0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the Tianjin size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        platform = build(Path(tmp) / "catalog.sqlite", args.seed, args.scale)
        results = run(platform, args.repeat)
        platform.engine.dispose()
    samples = sorted(ms for label, _, ms, _ in results if label == "_sample")
    for label, params, ms, total in results:
        if label != "_sample":
            print(f"  {ms:7.2f} ms  {total:7,} matches  {label:24} {params}")
    median = statistics.median(samples)
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(f"search over {len(QUERIES)} queries × {args.repeat}: median {median:.2f} ms, "
          f"p95 {p95:.2f} ms (goal p95 < {GOAL_MS:.0f} ms: {'met' if p95 < GOAL_MS else 'MISSED'})")


if __name__ == "__main__":
    main()
