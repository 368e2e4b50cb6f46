"""The demo city's 町名 and landmarks for the place picker (approximate positions, demo data)."""

from __future__ import annotations

from kyoso.core.models import City, District, PlaceKind
from kyoso.core.services import place_save, system_actor

# district code -> [(町名, reading)]: each town is placed just beside its district's centre.
HITACHI_TOWNS: dict[str, list[tuple[str, str]]] = {
    "juo": [("十王町友部", "じゅうおうちょうともべ"), ("十王町伊師", "じゅうおうちょういし")],
    "toyoura": [("川尻町", "かわじりちょう")],
    "tajiri": [("田尻町", "たじりちょう"), ("小木津町", "おぎつちょう")],
    "hidaka": [("日高町", "ひだかちょう")],
    "ose": [("会瀬町", "おうせちょう")],
    "namekawa": [("滑川町", "なめかわちょう"), ("滑川本町", "なめかわほんちょう")],
    "miyata": [("宮田町", "みやたちょう")],
    "nakakoji": [("若葉町", "わかばちょう")],
    "sukegawa": [("助川町", "すけがわちょう"), ("鹿島町", "かしまちょう")],
    "nakamachi": [("幸町", "さいわいちょう"), ("弁天町", "べんてんちょう")],
    "narusawa": [("東成沢町", "ひがしなるさわちょう"), ("西成沢町", "にしなるさわちょう")],
    "yunawago": [("神峰町", "かみねちょう")],
    "hanayama": [("森山町", "もりやまちょう")],
    "kanesawa": [("金沢町", "かねさわちょう")],
    "okubo": [("大久保町", "おおくぼちょう")],
    "taga": [("多賀町", "たがちょう"), ("千石町", "せんごくちょう")],
    "kawarago": [("河原子町", "かわらごちょう")],
    "onuma": [("大沼町", "おおぬまちょう")],
    "mizuki": [("水木町", "みずきちょう")],
    "sakamoto": [("石名坂町", "いしなざかちょう")],
    "nanbu": [("南高野町", "みなみこうやちょう")],
    "omika": [("大みか町", "おおみかちょう")],
    "kuji": [("久慈町", "くじちょう"), ("留町", "とめちょう")],
}
# (name, reading, district code, north and east of its centre in degrees)
HITACHI_LANDMARKS = [
    ("かみね公園", "かみねこうえん", "yunawago", 0.002, 0.003),
    ("河原子海岸", "かわらごかいがん", "kawarago", -0.001, 0.004),
]


def make_places(city: City) -> None:
    """Name the demo city's towns and landmarks through the gazetteer service."""
    if city.slug != "hitachi":
        return
    actor = system_actor()
    centres = {d.code: (d.center_lat, d.center_lon) for d in District.objects.filter(city=city)}
    for code, towns in HITACHI_TOWNS.items():
        lat, lon = centres[code]
        for i, (name, reading) in enumerate(towns):
            place_save(
                actor=actor,
                city=city,
                kind=PlaceKind.TOWN,
                name_ja=name,
                reading=reading,
                lat=lat + 0.0015 * (i + 1),
                lon=lon - 0.0012 * i,
            )
    for name, reading, code, north, east in HITACHI_LANDMARKS:
        lat, lon = centres[code]
        place_save(
            actor=actor,
            city=city,
            kind=PlaceKind.LANDMARK,
            name_ja=name,
            reading=reading,
            lat=lat + north,
            lon=lon + east,
        )
