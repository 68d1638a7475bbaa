"""One service provider: its own document, then each group with all of its documents."""

from __future__ import annotations

import random
from pathlib import Path

from migrate.synthetic import data as d
from migrate.synthetic.counts import Stats
from migrate.synthetic.device_documents import write_device_documents
from migrate.synthetic.group_documents import write_group_document
from migrate.synthetic.plans import MAX_FREE_NUMBERS, Instance, ServiceProvider
from migrate.synthetic.population import make_users
from migrate.synthetic.service_documents import write_service_documents
from migrate.synthetic.sinks import FolderSink, Sink
from migrate.synthetic.user_documents import write_user_documents
from migrate.synthetic.writer import ProviderWriter
from migrate.synthetic.xml import esc, req, resp, table


def write_service_provider(root: Path, plan: ServiceProvider) -> Stats:
    """Write one service provider into a folder; a plain function so that workers can run it."""
    return write_service_provider_to(FolderSink(root), plan)


def write_service_provider_to(sink: Sink, plan: ServiceProvider) -> Stats:
    writer = ProviderWriter(sink, plan)
    write_provider(writer)
    return writer.stats()


def write_provider(out: ProviderWriter) -> None:
    """The service provider's document (profile, lists, service packs), then its groups."""
    sp = out.plan
    percent = sum(1 for name in sp.group_names if "%" in name)
    if percent:
        out.quirk("percent_in_group_name", percent)
    out.sink.mkdir(f"sp{sp.index:05d}")
    rng = random.Random(out.rng.getrandbits(64))
    rel = f"sp{sp.index:05d}"
    country = d.COUNTRIES[0]
    city, state, postal = rng.choice(country.cities)
    address = (
        f"<address><addressLine1>{rng.randint(1, 999)} {rng.choice(country.streets)}"
        f"</addressLine1><city>{city}</city><stateOrProvince>{state}</stateOrProvince>"
        f"<zipOrPostalCode>{postal}</zipOrPostalCode>"
        f"<country>{rng.choice(country.spellings)}</country></address>"
    )
    version = sp.release.service_provider
    body = (
        f"<isEnterprise>{'true' if sp.enterprise else 'false'}</isEnterprise>"
        f"<defaultDomain>{sp.domain}</defaultDomain>"
        f"<serviceProviderName>{esc(sp.name)}</serviceProviderName>"
        f"<supportEmail>support@{sp.domain}</supportEmail>"
        f"<contact><contactName>NOC</contactName><contactNumber>+1-800-555-0100</contactNumber>"
        f"<contactEmail>noc@{sp.domain}</contactEmail></contact>{address}"
        "<useServiceProviderLanguages>false</useServiceProviderLanguages>"
    )
    if version in d.ECHOING_SP_VERSIONS:
        body += f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
    sp_get = (
        req(
            f"ServiceProviderGetRequest{version}",
            f"<serviceProviderId>{sp.sp_id}</serviceProviderId>",
        ),
        resp(f"ServiceProviderGetResponse{version}", body),
    )
    pairs: list[tuple[str, str]] = []
    if version in d.ECHOING_SP_VERSIONS and rng.random() < 0.5:
        out.writer.write(f"{rel}/profile.xml", sp.encoding, [sp_get], lone=True)
        out.quirk("lone_response_documents")
    else:
        pairs.append(sp_get)
    sp_row = (sp.sp_id, esc(sp.name), "true" if sp.enterprise else "false", "")
    pairs.append(
        (
            req(
                "ServiceProviderGetListRequest",
                "<responseSizeLimit>1000</responseSizeLimit><searchCriteriaServiceProviderId>"
                f"<mode>Equal To</mode><value>{sp.sp_id}</value>"
                "<isCaseInsensitive>true</isCaseInsensitive></searchCriteriaServiceProviderId>",
            ),
            resp(
                "ServiceProviderGetListResponse",
                table(
                    "serviceProviderTable",
                    (
                        "Service Provider Id",
                        "Service Provider Name",
                        "Is Enterprise",
                        "Reseller Id",
                    ),
                    [sp_row],
                ),
            ),
        )
    )
    group_rows = [
        (gid, esc(name), str(max(size * 2, 25)))
        for gid, name, size in zip(sp.group_ids, sp.group_names, sp.group_sizes, strict=True)
    ]
    pairs.append(
        (
            req(
                "GroupGetListInServiceProviderRequest",
                f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
                "<responseSizeLimit>1000</responseSizeLimit>",
            ),
            resp(
                "GroupGetListInServiceProviderResponse",
                table("groupTable", ("Group Id", "Group Name", "User Limit"), group_rows),
            ),
        )
    )
    for name, description, services in sp.packs:
        rows = [(s, "Unlimited", "Unlimited", "Unlimited") for s in services]
        pairs.append(
            (
                req(
                    "ServiceProviderServicePackGetDetailListRequest",
                    f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
                    f"<servicePackName>{name}</servicePackName>",
                ),
                resp(
                    "ServiceProviderServicePackGetDetailListResponse",
                    f"<servicePackName>{name}</servicePackName>"
                    f"<servicePackDescription>{description}</servicePackDescription>"
                    "<isAvailableForUse>true</isAvailableForUse>"
                    "<servicePackQuantity><unlimited>true</unlimited></servicePackQuantity>"
                    f"<assignedQuantity><quantity>{sum(sp.group_sizes)}</quantity>"
                    "</assignedQuantity><allowedQuantity><unlimited>true</unlimited>"
                    "</allowedQuantity>"
                    + table(
                        "userServiceTable",
                        ("Service", "Authorized", "Allocated", "Available"),
                        rows,
                    ),
                ),
            )
        )
    out.writer.write(f"{rel}/service-provider.xml", sp.encoding, pairs)
    out.counts["service_providers"] += 1
    out.counts["service_packs"] += len(sp.packs)
    out.quirk(f"release_{sp.release.name}")
    out.quirk(f"encoding_{sp.encoding}")
    for g, size in enumerate(sp.group_sizes):
        write_group(out, sp, g, size)


def write_group(out: ProviderWriter, sp: ServiceProvider, g: int, size: int) -> None:
    """A group's users and services, made up, then every document about them."""
    rng = random.Random(sp.group_seeds[g])
    group_id = sp.group_ids[g]
    rel = f"sp{sp.index:05d}/g{g + 1:02d}"
    out.sink.mkdir(rel)
    country = d.COUNTRIES[sp.group_countries[g]]
    cc = country.calling_code
    out.number_next = {cc: sp.number_starts[g]}
    out.user_seq = sp.seq_starts[g]
    out.device_seq = sp.device_starts[g]
    zone, summer, winter = rng.choice(country.zones)
    ext_digits = rng.choices((3, 4, 6), (15, 65, 20))[0]
    users = make_users(out, sp, group_id, g, size, rng, country, (zone, summer, winter), ext_digits)
    # Service instances: numbers and extensions follow the users' block.
    instances: list[Instance] = []
    kinds = [
        k
        for k, p in (("hg", 0.35), ("cc", 0.15 if size >= 10 else 0.0), ("aa", 0.4))
        if rng.random() < p
    ]
    inst_numbers = out.next_numbers(cc, len(kinds))
    labels = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}
    for i, (kind, number) in enumerate(zip(kinds, inst_numbers, strict=True)):
        agents = [u for u in users if not u.place][: rng.randint(1, 4)] if kind != "aa" else []
        ext = out.extension(ext_digits, g, size + i)
        instances.append(
            Instance(
                kind,
                f"{group_id}-{kind}@{sp.domain}",
                f"{sp.group_names[g]} {labels[kind]}",
                number,
                ext,
                agents,
            )
        )
    free = rng.choice((0, 0, 1, 4, 10, MAX_FREE_NUMBERS))
    free_numbers = out.next_numbers(cc, free)
    if free >= 2:
        out.quirk("dn_ranges")

    user_numbers = sum(1 for u in users if u.phone)
    out.counts["groups"] += 1
    out.counts["users"] += size
    out.counts["numbers"] += user_numbers + len(instances) + free
    out.counts["devices"] += sum(1 for u in users if u.device)
    out.counts["service_instances"] += len(instances)

    write_group_document(
        out, sp, g, rel, rng, country, (zone, summer), users, instances, free_numbers
    )
    write_user_documents(out, sp, group_id, rel, country, users)
    write_device_documents(out, sp, group_id, rel, rng, users, cc)
    write_service_documents(
        out, sp, group_id, rel, rng, country, zone, summer, users, instances, sp.group_errors[g]
    )
