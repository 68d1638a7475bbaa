"""A group's users, their devices and services, made up before their documents are written."""

from __future__ import annotations

import random

from migrate.synthetic import data as d
from migrate.synthetic.plans import Device, ServiceProvider, User, ascii_id
from migrate.synthetic.writer import ProviderWriter

MODEL_WEIGHTS = tuple(m.weight for m in d.DEVICE_MODELS)
MODELS_BY_KEY = {m.key: m for m in d.DEVICE_MODELS}


def make_users(
    out: ProviderWriter,
    sp: ServiceProvider,
    group_id: str,
    g: int,
    size: int,
    rng: random.Random,
    country: d.Country,
    zone: tuple[str, str, str],
    ext_digits: int,
) -> list[User]:
    with_number = [rng.random() < 0.92 for _ in range(size)]
    numbers = iter(out.next_numbers(country.calling_code, sum(with_number)))
    versions = sp.release.user_versions
    place_ok = any(d.USER_RANK[v] >= d.USER_RANK["22V9"] for v in versions)
    mail_domain = f"{ascii_id(sp.group_names[g].split(' ')[0])}{g + 1}.example.com"
    users: list[User] = []
    previous_email: str | None = None
    for i in range(size):
        out.user_seq += 1
        language = rng.choice(country.languages)
        place = rng.random() < 0.04
        if place:
            first, last = "Phone", rng.choice(("Lobby", "Kitchen", "Warehouse", "Break Room"))
        elif sp.encoding == "UTF-8" and rng.random() < 0.01:
            first, last = rng.choice(d.UTF8_ONLY_NAMES)
            out.quirk("utf8_only_names")
        else:
            first = rng.choice(d.FIRST_NAMES[language])
            last = rng.choice(d.LAST_NAMES[language])
        phone = next(numbers) if with_number[i] else None
        if sp.id_style == "phone" and phone:
            local = f"{country.calling_code}{phone}" if country.calling_code != "1" else phone
        else:
            local = f"{ascii_id(first)}.{ascii_id(last)}{out.user_seq}"
        email: str | None = None
        if not place and rng.random() < 0.85:
            email = f"{ascii_id(first)}.{ascii_id(last)}{out.user_seq}@{mail_domain}"
            if previous_email and rng.random() < 0.004:
                email = previous_email  # the same mailbox typed for two people
                out.quirk("duplicate_emails")
            previous_email = email
        else:
            out.quirk("users_without_email")
        version = rng.choice(versions)
        if place and d.USER_RANK[version] < d.USER_RANK["22V9"]:
            version = "22V9" if place_ok else version
        is_place = place and d.USER_RANK[version] >= d.USER_RANK["22V9"]
        if is_place:
            out.quirk("places")
        device = make_device(out, sp, rng, place, local)
        services, packs = make_services(out, sp, rng, place)
        registration = device is not None and (
            device.model.ua_in == "registration"
            or (device.model.ua_in == "both" and rng.random() < 0.3)
        )
        summer = rng.random() < 0.6
        users.append(
            User(
                user_id=f"{local}@{sp.domain}",
                local=local,
                first=first,
                last=last,
                phone=phone,
                extension=out.extension(ext_digits, g, i),
                email=email,
                language=language,
                zone=zone[0],
                zone_display=zone[1] if summer else zone[2],
                version=version,
                place=is_place,
                title=rng.choice(d.TITLES) if rng.random() < 0.5 and not place else None,
                department=rng.choice(d.DEPARTMENTS) if rng.random() < 0.3 else None,
                device=device,
                services=services,
                packs=packs,
                registration=registration,
                prefixed=rng.random() < 0.002,
            )
        )
        if users[-1].prefixed:
            out.quirk("prefixed_data_responses")
    # Shared call appearances: a colleague's line on a desk phone.
    for i, user in enumerate(users):
        if (
            user.device
            and user.device.model.ports
            and user.device.model.ports > 1
            and i + 1 < size
            and rng.random() < 0.03
        ):
            users[i + 1].sca_on.append(user)
            out.quirk("shared_call_appearances")
    return users


def make_device(
    out: ProviderWriter, sp: ServiceProvider, rng: random.Random, place: bool, local: str
) -> Device | None:
    if place:
        model = MODELS_BY_KEY[rng.choice(d.PLACE_MODELS)]
    elif rng.random() < 0.05:
        return None
    else:
        model = rng.choices(d.DEVICE_MODELS, MODEL_WEIGHTS)[0]
    out.device_seq += 1
    mac: str | None = None
    if model.oui:
        raw = f"{model.oui}{out.device_seq:06X}"
        roll = rng.random()
        if roll < 0.01:
            mac = ":".join(raw[i : i + 2] for i in range(0, 12, 2)).lower()
            out.quirk("mac_with_separators")
        elif roll < 0.02:
            mac = raw[:6] + raw[6:].lower()
            out.quirk("mac_mixed_case")
        else:
            mac = raw.lower() if sp.mac_case == "lower" else raw
    if mac is None or sp.device_naming == "user":
        name = f"{local}-{model.key}"
    elif sp.device_naming == "sep" and model.device_type == d.MPP:
        name = f"SEP{mac.replace(':', '').upper()}"
    else:
        name = f"{model.key}-{mac.replace(':', '').lower()}"
    net = f"10.{(out.device_seq >> 16) & 255}.{(out.device_seq >> 8) & 255}.{out.device_seq & 255}"
    return Device(name, model, mac, net)


def make_services(
    out: ProviderWriter, sp: ServiceProvider, rng: random.Random, place: bool
) -> tuple[list[str], list[str]]:
    if place:
        return list(d.PLACE_SERVICES), []
    packs = [sp.packs[0][0]]
    services = list(sp.packs[0][2])
    for name, _, contents in sp.packs[1:]:
        chance = 0.03 if "Call Center - Premium" in contents else 0.35
        if rng.random() < chance:
            packs.append(name)
            services.extend(s for s in contents if s not in services)
    if rng.random() < 0.08:
        extra = rng.choice(d.EXTRA_SERVICES)
        if extra not in services:
            services.append(extra)
    return services, packs
