"""Property-service governance (SPEC §10, GV-01 … GV-05) through the services: the annual
assessment, its sign-offs, the blacklist, the credit file, tenders and the rectification
campaign."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from gatehouse.audit.models import AuditEntry
from gatehouse.core import rating
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.governance import selectors, services
from gatehouse.governance.models import Assessment, ChecklistItem, Tender
from tests.conftest import NOW

from .conftest import TODAY, company, score, sign_all

pytestmark = pytest.mark.django_db


# -- projects -------------------------------------------------------------------------------------


def test_a_property_project_is_a_residential_site_with_one_company(
    site_a, site_b, association_a, chutian, project_a
):
    with pytest.raises(DomainError) as twice:
        services.project_create(
            site=site_a, actor=association_a, now=NOW, company=chutian, name="x", since=TODAY
        )
    assert twice.value.code == "project.already_managed"
    with pytest.raises(DomainError) as park:
        services.project_create(
            site=site_b, actor=association_a, now=NOW, company=chutian, name="x", since=TODAY
        )
    assert park.value.code == "project.not_residential"
    with pytest.raises(DomainError) as dup:
        company("武汉楚天物业服务有限公司", site_a, association_a)
    assert dup.value.code == "company.duplicate"
    assert AuditEntry.objects.filter(action="governance.project.create", site=site_a).exists()


# -- GV-01 / GV-05: the checklist and the stars ---------------------------------------------------


def test_the_checklist_is_seeded_from_the_core_once(project_a, association_a):
    # rule GV-05: the seed checklist holds the T6 service standards
    score(project_a, association_a)
    stored = selectors.active_checklist()
    assert [(i.key, i.weight, i.rule) for i in selectors.items_of(stored)] == [
        (i.key, i.weight, i.rule) for i in rating.SEED_CHECKLIST.items
    ]
    assert {"duty_24h", "patrol", "repairs", "complaints", "fees_published"} <= {
        i.key for i in selectors.items_of(stored)
    }
    score(project_a, association_a, year=2025)
    assert ChecklistItem.objects.count() == len(rating.SEED_CHECKLIST.items)


@pytest.mark.parametrize(
    ("off", "total", "band", "stars", "text"),
    [
        # rule GV-01
        ({"parking": 5}, "95", "three_stars", 3, "年度考核得分95分：评为三星级物业项目"),
        # rule GV-01
        ({"repairs": 15}, "85", "two_stars", 2, "年度考核得分85分：评为二星级物业项目"),
        # rule GV-01
        ({"repairs": 15, "complaints": 10}, "75", "one_star", 1, "评为一星级物业项目"),
        # rule GV-01
        ({"repairs": 15, "complaints": 15, "patrol": 5}, "65", "no_star", 0, "未达到星级标准"),
        # rule GV-01: under 60 rectify by a deadline, else the blacklist
        (
            {"repairs": 15, "complaints": 15, "duty_24h": 10, "patrol": 5},
            "55",
            "rectify",
            0,
            "年度考核得分55分，低于60分：限期整改；整改不到位的纳入黑名单",
        ),
    ],
)
def test_the_score_gives_the_stars(project_a, association_a, off, total, band, stars, text):
    assessment = score(project_a, association_a, off=off)
    assert (assessment.total, assessment.band, assessment.stars) == (
        Decimal(total),
        band,
        stars,
    )
    assert text in assessment.message
    assert assessment.scores.count() == len(rating.SEED_CHECKLIST.items)
    entry = AuditEntry.objects.get(action="governance.assessment.score")
    assert entry.after["band"] == band and entry.actor == association_a


def test_a_score_outside_the_checklist_is_refused(project_a, association_a):
    # rule GV-01: every checklist item scored, no other
    with pytest.raises(InvalidInput) as exc:
        services.assessment_score(
            project=project_a,
            actor=association_a,
            now=NOW,
            year=2026,
            assessed_on=TODAY,
            points={"duty_24h": Decimal(10)},
        )
    assert exc.value.code == "assessment.items_mismatch"
    assert not Assessment.objects.exists()


def test_overdue_rectification_items_count_in_the_rating(project_a, association_a, site_a):
    # rule GV-04: two items of this year went past their deadline: 2 × 2 points off
    campaign = services.campaign_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        title="专项整治",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    inspection = services.inspection_record(
        campaign=campaign,
        project=project_a,
        actor=association_a,
        now=NOW,
        inspected_on=date(2026, 3, 5),
        inspectors="张明亮",
    )
    for n, deadline in enumerate((date(2026, 4, 1), date(2026, 5, 1), date(2026, 12, 20))):
        services.item_issue(
            inspection=inspection,
            actor=association_a,
            now=NOW,
            ref=f"整改{n}号",
            finding="问题",
            deadline=deadline,
        )
    assessment = score(project_a, association_a, off={"parking": 5})
    assert (assessment.overdue_items, assessment.deduction, assessment.total) == (
        2,
        Decimal(4),
        Decimal(91),
    )
    assert "（含逾期未整改2项扣4分）" in assessment.message


# -- GV-01: sign-offs, finalising, rectification and the blacklist --------------------------------


def test_the_four_parties_sign_before_the_assessment_is_final(project_a, association_a):
    # rule GV-01 (T5 准入制度 3)
    assessment = score(project_a, association_a)
    services.signoff_record(
        assessment=assessment,
        actor=association_a,
        now=NOW,
        party="community",
        signer="张丽",
        opinion="同意评为三星级",
        signed_on=TODAY,
    )
    with pytest.raises(DomainError) as exc:
        services.assessment_finalise(assessment=assessment, actor=association_a, now=NOW)
    assert exc.value.code == "assessment.signoffs_missing"
    assert "小区所在地乡（镇）政府、派出所、业主委员会" in exc.value.message
    with pytest.raises(DomainError) as again:
        services.signoff_record(
            assessment=assessment,
            actor=association_a,
            now=NOW,
            party="community",
            signer="张丽",
            opinion="重复",
            signed_on=TODAY,
        )
    assert again.value.code == "signoff.duplicate"
    for party in ("township", "police", "owners_committee"):
        services.signoff_record(
            assessment=assessment,
            actor=association_a,
            now=NOW,
            party=party,
            signer="签署人",
            opinion="同意",
            signed_on=TODAY,
        )
    services.assessment_finalise(assessment=assessment, actor=association_a, now=NOW)
    assert assessment.finalised_at == NOW
    assert AuditEntry.objects.filter(action="governance.signoff").count() == 4
    with pytest.raises(DomainError) as final:
        score(project_a, association_a)
    assert final.value.code == "assessment.final"


def _under_sixty(project, actor, deadline, assessed_on=TODAY):
    assessment = score(
        project,
        actor,
        assessed_on=assessed_on,
        off={"repairs": 15, "complaints": 15, "duty_24h": 10, "patrol": 5},
    )
    sign_all(assessment, actor)
    return services.assessment_finalise(
        assessment=assessment, actor=actor, now=NOW, rectify_deadline=deadline
    )


def test_under_sixty_needs_a_deadline_then_blacklists(project_a, association_a, chutian):
    # rule GV-01
    assessment = score(
        project_a, association_a, off={"repairs": 15, "complaints": 15, "duty_24h": 10, "patrol": 5}
    )
    sign_all(assessment, association_a)
    with pytest.raises(InvalidInput) as exc:
        services.assessment_finalise(assessment=assessment, actor=association_a, now=NOW)
    assert exc.value.details["field"] == "rectify_deadline"
    services.assessment_finalise(
        assessment=assessment, actor=association_a, now=NOW, rectify_deadline=date(2027, 1, 31)
    )
    during = selectors.eligibility(chutian, date(2026, 12, 1))
    assert during.allowed and [n.code for n in during.notes] == ["tender.rectifying"]
    after = selectors.eligibility(chutian, date(2027, 2, 1))
    assert not after.allowed
    assert [(r.rule, r.code) for r in after.reasons] == [("GV-01", "tender.blacklisted")]
    assert "自2027年2月1日列入黑名单" in after.reasons[0].message


def test_rectified_in_time_stays_off_the_blacklist(project_a, association_a, chutian):
    # rule GV-01
    assessment = _under_sixty(project_a, association_a, date(2026, 12, 31))
    with pytest.raises(InvalidInput):
        services.assessment_rectified(
            assessment=assessment, actor=association_a, now=NOW, rectified_on=TODAY + timedelta(1)
        )
    services.assessment_rectified(
        assessment=assessment, actor=association_a, now=NOW, rectified_on=TODAY
    )
    assert selectors.eligibility(chutian, date(2027, 3, 1)).allowed
    with pytest.raises(DomainError) as exc:
        services.blacklist_clear(
            assessment=assessment, actor=association_a, now=NOW, cleared_on=TODAY
        )
    assert exc.value.code == "blacklist.not_listed"


def test_a_cleared_blacklist_opens_tenders_again(project_a, association_a, chutian):
    # rule GV-01: 未消除不良记录的 … 禁止参与; cleared, it may tender again
    assessment = _under_sixty(
        project_a, association_a, date(2026, 11, 1), assessed_on=date(2026, 6, 30)
    )
    assert not selectors.eligibility(chutian, TODAY).allowed
    services.blacklist_clear(
        assessment=assessment, actor=association_a, now=NOW, cleared_on=date(2026, 11, 20)
    )
    assert selectors.eligibility(chutian, TODAY).allowed
    assert not selectors.eligibility(chutian, date(2026, 11, 10)).allowed


# -- GV-02: the credit file -----------------------------------------------------------------------


def test_a_dishonest_company_is_barred_for_five_years(site_a, association_a, chutian):
    # rule GV-02
    services.credit_record_add(
        company=chutian,
        site=site_a,
        actor=association_a,
        now=NOW,
        recorded_on=date(2026, 1, 10),
        reason="擅自撤离小区",
    )
    verdict = selectors.eligibility(chutian, TODAY)
    assert [(r.rule, r.code) for r in verdict.reasons] == [("GV-02", "tender.dishonest_ban")]
    assert "五年内（至2031年1月10日）禁止参与物业项目竞标" in verdict.reasons[0].message
    assert selectors.eligibility(chutian, date(2031, 1, 11)).allowed
    assert selectors.credit_records(chutian)[0]["ban_until"] == date(2031, 1, 10)


@pytest.mark.parametrize(
    ("confirmed_by", "confirmed_on", "code"),
    [
        # rule GV-02: owing after a judgment: on the personal credit record
        ("judgment", date(2026, 6, 1), "owner.credit_record"),
        # rule GV-02: after an arbitration award too
        ("arbitration", date(2026, 6, 1), "owner.credit_record"),
        # rule GV-02: not confirmed: not on the record
        ("", None, None),
    ],
)
def test_owners_in_arrears_after_judgment(
    site_a, house_a, association_a, confirmed_by, confirmed_on, code
):
    arrears, entry = services.arrears_record(
        site=site_a,
        actor=association_a,
        now=NOW,
        owner_name="孙德明",
        house_number="3-2-1201",
        arrears_fen=486_000,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
    )
    assert (entry.code if entry else None) == code
    assert arrears.house == house_a
    if code:
        assert "仍欠缴物业费4,860.00元" in entry.message
        services.arrears_update(arrears=arrears, actor=association_a, now=NOW, arrears_fen=0)
        assert selectors.arrears_at(site_a, TODAY)[0]["record"] is None


def test_arrears_input_is_checked(site_a, association_a):
    with pytest.raises(InvalidInput) as half:
        services.arrears_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            owner_name="孙德明",
            arrears_fen=100,
            confirmed_by="judgment",
        )
    assert half.value.code == "arrears.confirmation_incomplete"
    with pytest.raises(InvalidInput) as house:
        services.arrears_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            owner_name="孙德明",
            arrears_fen=100,
            house_number="9-9-999",
        )
    assert house.value.details["field"] == "house_number"


# -- GV-03: tenders -------------------------------------------------------------------------------


@pytest.fixture
def rivals(site_a, association_a):
    return [
        company(name, site_a, association_a)
        for name in ("武汉江城佳园物业管理有限公司", "武汉汉阳兴业物业有限公司", "湖北鸿泰物业")
    ]


@pytest.mark.parametrize(
    ("bidders", "kw", "code", "allowed"),
    [
        # rule GV-03: a tender with three bidders
        (3, {"method": "tender"}, "selection.tender", True),
        # rule GV-03: fewer than three bidders: no tender result
        (2, {"method": "tender"}, "selection.too_few_bidders", False),
        # rule GV-03: the exception needs the bureau's approval
        (2, {"method": "agreement"}, "selection.agreement_needs_approval", False),
        # rule GV-03
        (
            2,
            {"method": "agreement", "bureau_approved": True, "approval_ref": "房管批〔2026〕8号"},
            "selection.agreement_approved",
            True,
        ),
        # rule GV-03: a small estate may use an agreement with approval
        (
            3,
            {
                "method": "agreement",
                "small_estate": True,
                "bureau_approved": True,
                "approval_ref": "房管批〔2026〕9号",
            },
            "selection.agreement_approved",
            True,
        ),
        # rule GV-03: direct designation is forbidden
        (1, {"method": "direct"}, "selection.direct_forbidden", False),
        # rule GV-03: replacing the company means a tender
        (2, {"method": "agreement", "stage": "replacement"}, "selection.must_tender", False),
    ],
)
def test_how_a_company_is_chosen(
    site_a, association_a, chutian, rivals, bidders, kw, code, allowed
):
    companies = [chutian, *rivals][:bidders]
    args = {"stage": "preliminary", **kw}
    if allowed:
        tender = services.tender_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            bidders=companies,
            winner=chutian,
            decided_on=TODAY,
            **args,
        )
        assert tender.code == code and tender.bids.count() == bidders
    else:
        with pytest.raises(DomainError) as exc:
            services.tender_record(
                site=site_a,
                actor=association_a,
                now=NOW,
                bidders=companies,
                winner=chutian,
                decided_on=TODAY,
                **args,
            )
        assert exc.value.code == code
        assert not Tender.objects.exists()


def test_the_winner_must_have_bid_and_an_approval_has_a_reference(
    site_a, association_a, chutian, rivals
):
    with pytest.raises(InvalidInput) as exc:
        services.tender_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            stage="preliminary",
            method="tender",
            bidders=rivals,
            winner=chutian,
            decided_on=TODAY,
        )
    assert exc.value.code == "tender.winner_not_bidder"
    with pytest.raises(InvalidInput) as ref:
        services.tender_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            stage="preliminary",
            method="agreement",
            bidders=[chutian],
            winner=chutian,
            decided_on=TODAY,
            bureau_approved=True,
        )
    assert ref.value.code == "tender.approval_ref"


# -- GV-04: the rectification campaign ------------------------------------------------------------


@pytest.fixture
def campaign_a(site_a, association_a):
    return services.campaign_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        title="2026年封闭式小区环境综合整治",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )


@pytest.fixture
def overdue_item(campaign_a, project_a, association_a):
    inspection = services.inspection_record(
        campaign=campaign_a,
        project=project_a,
        actor=association_a,
        now=NOW,
        inspected_on=date(2026, 9, 10),
        inspectors="张明亮、姜文革",
    )
    return services.item_issue(
        inspection=inspection,
        actor=association_a,
        now=NOW,
        ref="东湖整改〔2026〕2号",
        finding="车辆乱停占用消防通道",
        standard="parking",
        deadline=date(2026, 10, 31),
    )


def test_a_warning_needs_an_overdue_item_and_bars_tenders(
    site_a, association_a, campaign_a, chutian, rivals, overdue_item
):
    # rule GV-04
    with pytest.raises(DomainError) as early:
        services.warning_issue(
            campaign=campaign_a,
            company=chutian,
            actor=association_a,
            now=NOW,
            start=date(2026, 10, 15),
            end=date(2027, 1, 15),
        )
    assert early.value.code == "warning.nothing_overdue"
    warning = services.warning_issue(
        campaign=campaign_a,
        company=chutian,
        actor=association_a,
        now=NOW,
        start=date(2026, 11, 5),
        end=date(2027, 2, 5),
    )
    assert "东湖整改〔2026〕2号" in warning.reason
    verdict = selectors.eligibility(chutian, TODAY)
    assert [(r.rule, r.code) for r in verdict.reasons] == [("GV-04", "tender.warning")]
    assert "警示期间禁止参与物业管理招投标" in verdict.reasons[0].message
    # rule GV-04: a warned company cannot be a bidder while the warning lasts
    with pytest.raises(DomainError) as exc:
        services.tender_record(
            site=site_a,
            actor=association_a,
            now=NOW,
            stage="replacement",
            method="tender",
            bidders=[chutian, *rivals],
            winner=rivals[0],
            decided_on=TODAY,
        )
    assert exc.value.code == "tender.bidder_barred"
    assert "武汉楚天物业服务有限公司：整治期间限期整改不到位受到警示" in exc.value.message
    assert selectors.eligibility(chutian, date(2027, 2, 6)).allowed


def test_items_are_followed_up_daily_and_their_status_is_the_cores(
    association_a, campaign_a, overdue_item
):
    # rule GV-04
    services.follow_up_record(
        item=overdue_item, actor=association_a, now=NOW, on=TODAY, note="仍有车辆占道"
    )
    with pytest.raises(DomainError) as exc:
        services.follow_up_record(
            item=overdue_item, actor=association_a, now=NOW, on=TODAY, note="再次"
        )
    assert exc.value.code == "follow_up.duplicate"
    [row] = selectors.item_rows(selectors.campaign_items(campaign_a), TODAY)
    assert (row.status, row.followed_today) == (rating.ItemStatus.OVERDUE, True)
    services.item_rectified(item=overdue_item, actor=association_a, now=NOW, rectified_on=TODAY)
    [row] = selectors.item_rows(selectors.campaign_items(campaign_a), TODAY)
    assert row.status is rating.ItemStatus.RECTIFIED_LATE  # late: still on the record
    with pytest.raises(DomainError):
        services.item_rectified(item=overdue_item, actor=association_a, now=NOW, rectified_on=TODAY)


def test_item_input_is_checked(association_a, campaign_a, overdue_item):
    with pytest.raises(InvalidInput) as exc:
        services.item_issue(
            inspection=overdue_item.inspection,
            actor=association_a,
            now=NOW,
            ref="x",
            finding="y",
            standard="nonsense",
            deadline=TODAY,
        )
    assert exc.value.details["field"] == "standard"
    with pytest.raises(InvalidInput) as early:
        services.item_issue(
            inspection=overdue_item.inspection,
            actor=association_a,
            now=NOW,
            ref="x",
            finding="y",
            deadline=date(2026, 9, 1),
        )
    assert early.value.code == "date.order"


# -- GV-05: evidence from the site's own registers ------------------------------------------------


def test_the_registers_give_evidence_for_the_year(site_a, site_b):
    # rule GV-05: counts from the site's own registers, this year and this site only
    from gatehouse.access.models import Notice

    for site, ack in ((site_a, NOW), (site_a, None), (site_b, NOW)):
        Notice.objects.create(
            site=site, audience="guard", kind="x", message="m", created_at=NOW, acknowledged_at=ack
        )
    Notice.objects.create(
        site=site_a, audience="guard", kind="x", message="m", created_at=NOW.replace(year=2025)
    )
    found = selectors.evidence(site_a, 2026)
    assert (found.notices, found.notices_acknowledged, found.visits) == (2, 1, 0)
