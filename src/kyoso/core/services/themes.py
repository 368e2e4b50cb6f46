"""The theme catalogue: the standard themes every city starts with, and how to build it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.core.models import City, Theme


@dataclass(frozen=True)
class StandardTheme:
    code: str
    name_ja: str
    name_en: str
    keywords: str  # space-separated words in Japanese and English, for suggestions


#: The themes of the Hitachi seed (green industry, health and care, transport) and the others
#: citizens' proposals, groups and rewards are filed under. One list: apps reference the rows.
STANDARD_THEMES: tuple[StandardTheme, ...] = (
    StandardTheme(
        "green",
        "グリーン産業都市",
        "Green industrial city",
        "脱炭素 二酸化炭素 CO2 省エネ 太陽光 再生可能エネルギー 電気 工場 企業 ごみ リサイクル "
        "環境 緑 森 海 energy solar carbon emission factory recycling waste environment",
    ),
    StandardTheme(
        "health",
        "デジタル医療・介護",
        "Digital health and care",
        "病院 医療 介護 健康 高齢者 診療所 薬 見守り 待ち時間 福祉 認知症 運動 "
        "hospital clinic care health elderly medicine welfare exercise",
    ),
    StandardTheme(
        "transport",
        "公共交通のスマート化",
        "Smart public transport",
        "バス 電車 駅 タクシー 交通 本数 時刻表 道路 駐車場 自転車 運転 免許 移動 乗り換え "
        "bus train station taxi transport timetable road parking bicycle driving",
    ),
    StandardTheme(
        "community",
        "地域のつながり",
        "Community life",
        "地域 町内会 交流 子ども 子育て 学校 公園 図書館 祭り 商店街 空き家 若者 "
        "community children school park library festival shop youth neighbourhood",
    ),
    StandardTheme(
        "safety",
        "安全・防災",
        "Safety and disaster readiness",
        "防災 避難 地震 津波 台風 大雨 街灯 防犯 歩道 危険 信号 見回り "
        "disaster evacuation earthquake tsunami typhoon flood streetlight crime sidewalk danger",
    ),
    StandardTheme(
        "digital",
        "デジタル活用支援",
        "Digital help",
        "スマホ パソコン インターネット 使い方 デジタル 講座 smartphone internet digital help",
    ),
    StandardTheme(
        "children",
        "子ども・子育て",
        "Children and families",
        "子ども 子育て 保育 学童 家族 children childcare family",
    ),
    StandardTheme(
        "culture",
        "文化・スポーツ",
        "Culture and sport",
        "文化 スポーツ 芸術 音楽 運動会 culture sport art music",
    ),
)

#: Codes the apps used before the catalogue existed, and the catalogue code they mean.
LEGACY_CODES: dict[str, str] = {"transit": "transport", "mobility": "transport"}


@transaction.atomic
def theme_catalogue_ensure(*, city: City) -> list[Theme]:
    """Give ``city`` every standard theme it lacks (names it already has are kept)."""
    existing = {t.code: t for t in Theme.objects.filter(city=city)}
    for order, std in enumerate(STANDARD_THEMES, start=1):
        if std.code not in existing:
            existing[std.code] = Theme.objects.create(
                city=city,
                code=std.code,
                name_ja=std.name_ja,
                name_en=std.name_en,
                keywords=std.keywords,
                sort_order=order * 10,
            )
    return sorted(existing.values(), key=lambda t: (t.sort_order, t.code))


def theme_resolve(*, city: City, code: str, field: str = "theme_code") -> Theme | None:
    """The catalogue row of ``city`` for ``code`` (old codes such as "mobility" too); None for "".

    A standard theme the city's catalogue lacks is added first, so every city can file under it.
    """
    code = LEGACY_CODES.get(code, code)
    if not code:
        return None
    theme = Theme.objects.filter(city=city, code=code).first()
    if theme is None and any(std.code == code for std in STANDARD_THEMES):
        theme = next(t for t in theme_catalogue_ensure(city=city) if t.code == code)
    if theme is None:
        raise DomainError(_("Choose one of the themes."), field=field)
    return theme
