"""The themes proposals and ideas are filed under, with the words that suggest each one.

Codes match the vision's themes by convention (the vision app owns the full theme records);
voice keeps this small catalogue so it can suggest a theme without depending on vision's schema.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThemeInfo:
    code: str
    name_ja: str
    name_en: str
    keywords: str  # space-separated words in Japanese and English, for suggestions


THEMES: tuple[ThemeInfo, ...] = (
    ThemeInfo(
        "green",
        "グリーン産業都市",
        "Green industrial city",
        "脱炭素 二酸化炭素 CO2 省エネ 太陽光 再生可能エネルギー 電気 工場 企業 ごみ リサイクル "
        "環境 緑 森 海 energy solar carbon emission factory recycling waste environment",
    ),
    ThemeInfo(
        "health",
        "デジタル医療・介護",
        "Digital health and care",
        "病院 医療 介護 健康 高齢者 診療所 薬 見守り 待ち時間 福祉 認知症 運動 "
        "hospital clinic care health elderly medicine welfare exercise",
    ),
    ThemeInfo(
        "mobility",
        "公共交通のスマート化",
        "Smart public transport",
        "バス 電車 駅 タクシー 交通 本数 時刻表 道路 駐車場 自転車 運転 免許 移動 乗り換え "
        "bus train station taxi transport timetable road parking bicycle driving",
    ),
    ThemeInfo(
        "community",
        "地域のつながり",
        "Community life",
        "地域 町内会 交流 子ども 子育て 学校 公園 図書館 祭り 商店街 空き家 若者 "
        "community children school park library festival shop youth neighbourhood",
    ),
    ThemeInfo(
        "safety",
        "安全・防災",
        "Safety and disaster readiness",
        "防災 避難 地震 津波 台風 大雨 街灯 防犯 歩道 危険 信号 見回り "
        "disaster evacuation earthquake tsunami typhoon flood streetlight crime sidewalk danger",
    ),
)

THEME_CODES = tuple(t.code for t in THEMES)


def theme_by_code(code: str) -> ThemeInfo | None:
    """Return the theme with this code, or None."""
    return next((t for t in THEMES if t.code == code), None)
