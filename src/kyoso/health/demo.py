"""Demo health data of 日立市: providers with schedules, one citizen's record shared with
consent and read by a doctor, a care team for her, a booked visit, and check-ups and home
blood pressure for about 300 simulated citizens (some with hypertension or diabetes) so the
private statistics have something to count.

Everything goes through the services (as the system account where no person acts), and every
name that is not a real public institution is labelled (demo).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kyoso.core.models import City, District, Role, User
from kyoso.core.services import membership_grant, system_actor
from kyoso.health import services
from kyoso.health.models import CareProvider
from kyoso.health.records.clinic_calendar import TOKYO, holiday_name

POPULATION = 300
WEEKDAYS = ("mon", "tue", "wed", "fri")
PROVIDERS = [
    # code, ja, en, kind, departments, facility code of its waiting time
    ("taga-kodomo-clinic", "多賀こどもクリニック (demo)", "Taga Children's Clinic (demo)", "clinic",
     ["小児科"], "taga-kodomo-clinic"),
    ("hitachi-general-hospital", "日立総合病院", "Hitachi General Hospital", "hospital",
     ["内科", "小児科", "救急科"], "hitachi-general-hospital"),
    ("hitachi-homecare", "ひたち訪問看護ステーション (demo)", "Hitachi Home Nursing (demo)", "care",
     ["訪問看護"], ""),
]  # fmt: skip
# Simulated people (they cannot sign in) who work for the providers.
STAFF = [
    ("hospital-doctor", "日立総合病院 内科 医師 (demo)", "hitachi-general-hospital", "doctor", "内科"),
    ("visiting-nurse", "訪問看護師 (demo)", "hitachi-homecare", "nurse", "訪問看護"),
    ("care-manager", "ケアマネジャー (demo)", "hitachi-homecare", "care_manager", ""),
]  # fmt: skip
CARE_NOTES = [
    ("visiting-nurse", "訪問。血圧 132/80、足のむくみなし。服薬カレンダーどおり飲めています。"),
    ("care-manager", "デイサービスを週2回に増やすことをご家族と相談しました。"),
    ("visiting-nurse", "訪問。夜間のトイレで転びそうになったとのこと。手すりの設置を提案。"),
]


def _simulated(city: City, key: str, name: str) -> User:
    email = f"health-demo-{key}@hitachi.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=name)
    # They act for a provider (the clinic role); with no usable password they never sign in.
    membership_grant(city=city, user=user, role=Role.CLINIC, actor=system_actor())
    return user


def _next_open(day: date) -> date:
    while day.weekday() >= 5 or holiday_name(day):
        day += timedelta(days=1)
    return day


def load(city: City, rng: random.Random) -> None:
    if city.slug != "hitachi":
        return
    system = system_actor()
    providers = {
        code: services.care_provider_ensure(
            city=city, actor=system, code=code, name_ja=ja, name_en=en, kind=kind,
            departments=departments, facility_code=facility, is_demo=True,
        )
        for code, ja, en, kind, departments, facility in PROVIDERS
    }  # fmt: skip
    clinic_user = User.objects.filter(email="clinic@hitachi.example").first()
    staff: dict[str, User] = {}
    if clinic_user is not None:
        services.care_staff_ensure(
            city=city, actor=system, provider=providers["taga-kodomo-clinic"], user=clinic_user,
            profession="doctor", department="小児科",
        )  # fmt: skip
        staff["clinic"] = clinic_user
    for key, name, provider, profession, department in STAFF:
        staff[key] = _simulated(city, key, name)
        services.care_staff_ensure(
            city=city, actor=system, provider=providers[provider], user=staff[key],
            profession=profession, department=department,
        )  # fmt: skip
    _schedules(city, providers, staff)
    hana = User.objects.filter(email="citizen@hitachi.example").first()
    if hana is not None:
        _hana(city, rng, hana, providers, staff)
    _population(city, rng)


def _schedules(city: City, providers: dict[str, CareProvider], staff: dict[str, User]) -> None:
    if "clinic" in staff:
        clinic = providers["taga-kodomo-clinic"]
        # Night and holiday online consultations for children, and the daytime clinic.
        services.schedule_save(
            city=city, actor=staff["clinic"], provider=clinic, department="小児科",
            practitioner="夜間・休日オンライン相談", mode="online", slot_minutes=15,
            hours={d: ["19:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            open_on_holidays=True,
        )  # fmt: skip
        services.schedule_save(
            city=city, actor=staff["clinic"], provider=clinic, department="小児科",
            mode="in_person", slot_minutes=15,
            hours={**{d: ["09:00-12:00", "15:00-18:00"] for d in WEEKDAYS}, "sat": ["09:00-12:00"]},
            closed_dates=[date(timezone.localdate().year, 12, 29).isoformat(),
                          date(timezone.localdate().year, 12, 30).isoformat()],
        )  # fmt: skip
    services.schedule_save(
        city=city, actor=staff["hospital-doctor"], provider=providers["hitachi-general-hospital"],
        department="内科", mode="in_person", slot_minutes=20,
        hours={d: ["08:30-11:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
    )  # fmt: skip


def _hana(
    city: City,
    rng: random.Random,
    hana: User,
    providers: dict[str, CareProvider],
    staff: dict[str, User],
) -> None:
    """日立 はな (born 1952): home readings, a share with the hospital, her care team."""
    services.health_profile_set(city=city, actor=hana, patient=hana, sex="female")
    today = timezone.localdate()
    for days_ago in range(60, 0, -1):
        day = today - timedelta(days=days_ago)
        at = datetime.combine(day, time(7, 30), tzinfo=TOKYO)
        services.vitals_record(
            city=city, actor=hana, patient=hana, at=at,
            systolic=round(rng.gauss(138 - days_ago / 15, 5)),
            diastolic=round(rng.gauss(82, 4)), pulse=round(rng.gauss(70, 4)),
            weight=round(rng.gauss(52.0, 0.3), 1) if days_ago % 7 == 0 else None,
            steps=round(rng.gauss(4200, 900)),
        )  # fmt: skip
    hospital = providers["hitachi-general-hospital"]
    services.share_grant(
        city=city, actor=hana, patient=hana, items=["vitals", "lab"], purpose="treatment",
        days=30, provider=hospital,
    )  # fmt: skip
    # The hospital's doctor reads what was shared: the access appears on her page.
    services.record_read(city=city, actor=staff["hospital-doctor"], patient=hana, items=["vitals"])
    homecare = providers["hitachi-homecare"]
    services.share_grant(
        city=city, actor=hana, patient=hana, items=["vitals", "care_note", "prescription"],
        purpose="care", days=365, provider=homecare,
    )  # fmt: skip
    for key, text in CARE_NOTES:
        services.care_note_add(city=city, actor=staff[key], patient=hana, text=text)
    family = User.objects.filter(email="young@hitachi.example").first()
    if family is not None:
        services.proxy_grant(city=city, actor=hana, patient=hana, proxy=family)
    schedule = hospital.schedules.filter(department="内科").first()
    if schedule is not None:
        day = _next_open(today + timedelta(days=3))
        services.appointment_book(
            city=city, actor=hana, patient=hana, schedule=schedule,
            start=datetime.combine(day, time(9, 10), tzinfo=TOKYO), reason="血圧の薬の相談",
        )  # fmt: skip


def _residents(city: City, rng: random.Random) -> list[User]:
    """The vision demo's simulated citizens, topped up to ``POPULATION`` with health-only ones
    (unusable passwords: they cannot sign in), each living in a district."""
    people = list(
        User.objects.filter(
            email__startswith="vision-demo-", memberships__city=city, birth_year__isnull=False
        ).order_by("email")
    )
    districts = list(District.objects.filter(city=city).order_by("code"))
    system = system_actor()
    # Born 1930–2005, weighted so about a third are 65 or over, as in 日立市.
    years = [*range(1930, 1962), *range(1930, 1962), *range(1962, 2006)]
    for i in range(max(0, POPULATION - len(people))):
        email = f"health-demo-resident-{i:03d}@hitachi.example"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(
                email, None, display_name=f"健康デモ住民{i + 1}", birth_year=rng.choice(years)
            )
        membership_grant(
            city=city, user=person, role=Role.CITIZEN, actor=system,
            district=rng.choice(districts) if districts else None,
        )  # fmt: skip
        people.append(person)
    return people


def _population(city: City, rng: random.Random) -> None:
    """Check-ups, home blood pressure and, for some, hypertension or diabetes with HbA1c, for
    about 300 simulated citizens, so the private statistics and KPIs have something to count."""
    system = system_actor()
    people = _residents(city, rng)
    this_year = timezone.localdate().year
    for person in people:
        services.health_profile_set(
            city=city, actor=system, patient=person, sex=rng.choice(["female", "male"])
        )
        age = this_year - (person.birth_year or this_year)
        at = datetime(this_year, rng.randint(4, 10), rng.randint(1, 28), 10, 0, tzinfo=TOKYO)
        if rng.random() < (0.65 if age >= 65 else 0.45):
            services.entry_create(
                city=city, actor=person, patient=person, channel="demo",
                resource={
                    "resourceType": "Observation", "status": "final",
                    "category": [{"coding": [{"code": "exam"}]}],
                    "code": {"text": "特定健康診査 (demo)"}, "effectiveDateTime": at.isoformat(),
                },
            )  # fmt: skip
        systolic = round(rng.gauss(128 + max(0, age - 40) * 0.35, 12))
        # Type 2 diabetes: about 6% under 65 and 15% from 65 (国民健康・栄養調査's order of size).
        diabetic = rng.random() < (0.15 if age >= 65 else 0.06)
        services.vitals_record(
            city=city, actor=person, patient=person, at=at, systolic=systolic,
            diastolic=round(rng.gauss(78, 8)),
            hba1c=round(rng.gauss(7.1, 0.7) if diabetic else rng.gauss(5.6, 0.3), 1),
        )  # fmt: skip
        for name, icd10, has_it in (
            ("高血圧症 (demo)", "I10", systolic >= 140 and rng.random() < 0.8),
            ("2型糖尿病 (demo)", "E11", diabetic),
        ):
            if has_it:
                services.entry_create(
                    city=city, actor=person, patient=person, channel="demo",
                    resource={
                        "resourceType": "Condition", "recordedDate": at.date().isoformat(),
                        "subject": {"reference": f"Patient/{person.pk}"},
                        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10",
                                             "code": icd10}], "text": name},
                    },
                )  # fmt: skip
