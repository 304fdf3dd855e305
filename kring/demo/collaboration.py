"""The demo's collaboration structure (issue 16, seeds 000, 002 and 004): an Orust-sized register of fifteen groups
with their mandates and members, one overlap (SSPF Centrum and Trygghetsgruppen Centrum serve the same young people
with mostly the same people) and one gap (no group follows the absence of young people over 16); and two
agreements of Botkyrka's kind, one of them due for review within the month, whatever the day."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kring.access.policy import visible_to
from kring.access.roles import Role
from kring.collaboration.assessments import actions as assessment_actions
from kring.collaboration.meetings import actions as meeting_actions
from kring.collaboration.models import (
    Agreement,
    AgreementVersion,
    CollaborationGroup,
    Commitment,
    GroupLevel,
    GroupMember,
    Issue,
    MemberRole,
    Signatory,
)
from kring.demo import names
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.directory.models import Membership, Organisation, User
from kring.people.models import Child

I = Issue  # noqa: E741 - short, for the table below


@dataclass(frozen=True)
class GroupPlan:
    name: str
    level: str
    owner: str  # the key of the owning organisation
    others: tuple[str, ...]
    issues: tuple[str, ...]
    ages: tuple[int, int]
    rhythm: str
    mandate: str
    members: tuple[tuple[str, str], ...]  # (organisation key, role of staff, or "name:<title>" for a person outside)


GROUPS: tuple[GroupPlan, ...] = (
    GroupPlan(
        "Ledningsgruppen för barn och unga", GroupLevel.STRATEGIC, "executive", ("education", "social", "police"),
        tuple(Issue.values), (0, 20), "Fyra gånger om året",
        "Leder kommunens samverkan för barn och unga och beslutar om samverkansstrukturen.",
        (("executive", Role.COORDINATOR), ("social", Role.UNIT_MANAGER), ("education", Role.PRINCIPAL),
         ("police", "name:Kommunpolis")),
    ),
    GroupPlan(
        "ANDT-rådet", GroupLevel.STRATEGIC, "executive", ("social", "police", "region"), (I.DRUGS,), (13, 20),
        "Två gånger per termin", "Samordnar det förebyggande arbetet mot alkohol, narkotika, doping och tobak.",
        (("executive", Role.COORDINATOR), ("region", "name:Folkhälsostrateg")),
    ),
    GroupPlan(
        "SSPF Centrum", GroupLevel.OPERATIONAL, "social", ("education", "police"), (I.CRIME, I.VIOLENCE, I.DRUGS),
        (12, 20), "Varannan vecka",
        "Skola, socialtjänst, polis och fritid kring unga i riskzonen för brott i centrum.",
        (("social", Role.SOCIAL_WORKER), ("police", Role.POLICE_OFFICER), ("education", Role.KURATOR),
         ("executive", "name:Fritidsledare")),
    ),
    GroupPlan(
        "Trygghetsgruppen Centrum", GroupLevel.OPERATIONAL, "executive", ("social", "police"), (I.VIOLENCE, I.CRIME),
        (13, 20), "Varje månad", "Följer lägesbilden av våld och otrygghet i centrum och planerar insatser.",
        (),  # filled from SSPF Centrum: the same people, most of them
    ),
    GroupPlan(
        "SSPF Norr", GroupLevel.OPERATIONAL, "social", ("education", "police"), (I.CRIME, I.VIOLENCE, I.DRUGS),
        (12, 20), "Varannan vecka", "Skola, socialtjänst, polis och fritid kring unga i riskzonen för brott i norr.",
        (("social", Role.SOCIAL_WORKER), ("police", Role.POLICE_OFFICER), ("education", Role.PRINCIPAL)),
    ),
    GroupPlan(
        "Fältgruppen", GroupLevel.OPERATIONAL, "social", ("police",), (I.DRUGS, I.CRIME), (13, 20), "Varje vecka",
        "Socialtjänstens fältarbetare med polisen: kvällar, helger och skolavslutningar.",
        (("social", Role.SOCIAL_WORKER), ("police", Role.POLICE_OFFICER)),
    ),
    GroupPlan(
        "Tidiga insatser 0–12", GroupLevel.OPERATIONAL, "social", ("education", "student_health"),
        (I.CRIME, I.DRUGS, I.FAMILY, I.MENTAL_HEALTH, I.VIOLENCE), (0, 12), "Varje månad",
        "Tidig upptäckt och stöd till yngre barn och deras familjer.",
        (("social", Role.UNIT_MANAGER), ("student_health", Role.SCHOOL_NURSE), ("education", Role.SPECIAL_EDUCATOR)),
    ),
    GroupPlan(
        "Skolnärvarogruppen", GroupLevel.OPERATIONAL, "education", ("student_health", "social"), (I.ABSENCE,),
        (6, 16), "Varannan vecka", "Följer upp elever med hög frånvaro i grundskolan och samordnar insatser.",
        (("education", Role.PRINCIPAL), ("student_health", Role.KURATOR), ("social", Role.SOCIAL_WORKER)),
    ),
    GroupPlan(
        "Förskolans samverkan med socialtjänsten", GroupLevel.OPERATIONAL, "education", ("social",),
        (I.FAMILY, I.VIOLENCE, I.ABSENCE), (0, 5), "Två gånger per termin",
        "Förskolechefer och socialtjänsten om oro för små barn.",
        (("education", Role.PRINCIPAL), ("social", Role.SOCIAL_WORKER)),
    ),
    GroupPlan(
        "Elevhälsan och BUP", GroupLevel.OPERATIONAL, "student_health", ("region",), (I.MENTAL_HEALTH,), (6, 18),
        "Varje månad", "Konsultation mellan elevhälsan och barn- och ungdomspsykiatrin.",
        (("student_health", Role.PSYCHOLOGIST), ("region", "name:Överläkare BUP")),
    ),
    GroupPlan(
        "Familjecentralen", GroupLevel.OPERATIONAL, "region", ("social",), (I.FAMILY,), (0, 6), "Varje vecka",
        "Mödra- och barnhälsovård, öppen förskola och socialtjänstens rådgivning under ett tak.",
        (("region", "name:Barnmorska"), ("social", Role.SOCIAL_WORKER)),
    ),
    GroupPlan(
        "Föräldraskapsstöd", GroupLevel.OPERATIONAL, "social", ("education",), (I.FAMILY,), (6, 17),
        "Varje termin", "Erbjuder föräldrar utbildning och samtalsstöd i grupp.",
        (("social", Role.SOCIAL_WORKER), ("education", "name:Föräldrastödjare")),
    ),
    GroupPlan(
        "Barnahusgruppen", GroupLevel.AROUND_A_CHILD, "social", ("police", "region"), (I.VIOLENCE,), (0, 17),
        "Vid behov", "Samråd kring barn som misstänks ha utsatts för våld eller övergrepp.",
        (("social", Role.UNIT_MANAGER), ("police", Role.POLICE_OFFICER), ("region", "name:Barnläkare")),
    ),
    GroupPlan(
        "SIP-samordning", GroupLevel.AROUND_A_CHILD, "social", ("region", "education"),
        (I.MENTAL_HEALTH, I.FAMILY), (0, 20), "Vid behov",
        "Samordnad individuell plan när ett barn behöver insatser från både kommun och region.",
        (("social", Role.SOCIAL_WORKER), ("region", "name:SIP-samordnare")),
    ),
    GroupPlan(
        "Magnetens styrgrupp", GroupLevel.STRATEGIC, "social", ("education",), (I.ABSENCE, I.MENTAL_HEALTH), (6, 16),
        "Varje månad", "Styr det gemensamma TSI-teamet och prioriterar dess uppdrag.",
        (("social", Role.UNIT_MANAGER), ("education", Role.PRINCIPAL)),
    ),
)  # fmt: skip


class CollaborationWriter:
    def __init__(self, structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        self.municipality = structure.municipality
        self.organisations: dict[str, Organisation] = structure.organisations
        demo_emails = {login.email for login in logins}
        by_email = {login.email: login.role for login in logins}
        self.demo_users = {by_email[u.email]: u for u in User.objects.filter(email__in=list(demo_emails))}
        self.coordinator = self.demo_users[Role.COORDINATOR]
        self.counts: Counter[str] = Counter()
        self.staff: dict[str, list[User]] = {}
        rows = Membership.objects.filter(unit__municipality=self.municipality, active=True).exclude(
            user__email__in=demo_emails
        )
        for membership in rows.select_related("user").order_by("user_id"):
            self.staff.setdefault(membership.role, []).append(membership.user)
        self.used: set[int] = set()
        # The demo's police officer and social worker sit in the first group that asks for their role.
        self.demo_first = {Role.POLICE_OFFICER, Role.SOCIAL_WORKER}

    def write(self) -> Counter[str]:
        groups = {plan.name: self._group(plan) for plan in GROUPS}
        self._share_members(groups["SSPF Centrum"], groups["Trygghetsgruppen Centrum"])
        self._agreements(groups)
        self._meeting(groups["SSPF Centrum"])
        self._assessment(groups)
        return self.counts

    def _assessment(self, groups: dict[str, CollaborationGroup]) -> None:
        """The finished child impact assessment of the collaboration structure (Orust), decided two months ago and
        to be followed up in ten months, in two versions."""
        group = groups["Trygghetsgruppen Centrum"]
        base: dict[str, Any] = {
            "title": "Barnkonsekvensanalys av samverkansstrukturen för barn och unga",
            "responsible": self.coordinator,
            "group": group,
            "matter": "Kartläggningen visar femton samverkansgrupper för barn och unga, varav två i centrum med samma "
            "målgrupp och till stor del samma medlemmar, och ingen grupp som följer frånvaron bland unga över 16 år.",
            "decision_to_make": "Ska SSPF Centrum och Trygghetsgruppen Centrum slås ihop, och ska ett närvaroteam för "
            "gymnasiet inrättas?",
            "articles": [2, 3, 6, 12, 28, 31],
            "options": [
                {"name": "Behåll dagens grupper", "description": "två grupper i centrum, ingen för gymnasiet"},
                {"name": "En barncentrerad struktur", "description": "grupperna slås ihop; ett närvaroteam inrättas"},
            ],
            "texts": {
                "children_affected": "Unga 12–20 år i centrum och alla gymnasieelever i kommunen.",
                "vulnerable_children": "Unga med insatser från socialtjänsten, unga med hög frånvaro och unga med "
                "funktionsnedsättning.",
                "views_method": "Samtal med ungdomsrådet, fokusgrupper i två klasser i årskurs 8 och en kort enkät "
                "på gymnasiet.",
                "views_summary": "”Det är för många vuxna som frågar samma sak.” ”Jag vet inte vem jag ska prata "
                "med när jag inte orkar gå till skolan.” ”Fritidsgården är där vi är, inte kontoret.”",
                "guardians_views": "Föräldrarna vill ha en väg in och veta vem som ansvarar.",
            },
            "views_count": 64,
        }
        first = assessment_actions.save_assessment(
            given=assessment_actions.AssessmentInput(**base), by=self.coordinator
        )
        cells: list[dict[str, Any]] = []
        for article in base["articles"]:
            cells.append({"option": 0, "article": article, "effect": "neutral", "term": "both"})
            effect = "weakened" if article == 31 else "strengthened"
            cells.append(
                {
                    "option": 1,
                    "article": article,
                    "effect": effect,
                    "term": "long",
                    "note": "Färre kvällar på fritidsgården under övergången." if article == 31 else "",
                }
            )
        texts = {
            **base["texts"],
            "weighing": "Barnets bästa väger tyngst: färre vuxna med samma fråga och en tydlig kontakt. Barnen bad "
            "om att mötas där de är; den sammanslagna gruppen möts på fritidsgården.",
            "compensating_measures": "Fältgruppen ökar närvaron på fritidsgården under övergången.",
            "decision": "Grupperna slås ihop från vårterminen och ett närvaroteam för gymnasiet inrättas.",
            "decided_by": "Socialnämnden",
            "feedback_how": "Ungdomsrådet och klasserna får beskedet av sina mentorer och på kommunens ungdomssida.",
            "change_note": "Konsekvenser, avvägning och beslut.",
        }
        assessment_actions.save_assessment(
            given=assessment_actions.AssessmentInput(
                **{**base, "texts": texts}, consequences=cells, decided_on=self.today - timedelta(days=60),
                feedback_on=self.today - timedelta(days=45), follow_up_on=self.today + timedelta(days=300),
            ),
            by=self.coordinator, assessment=first.assessment,
        )  # fmt: skip
        self.counts["impact_assessments"] += 1

    def _meeting(self, group: CollaborationGroup) -> None:
        """Last week's SSPF meeting: one child discussed anonymously, one identified by the demo social worker with
        the guardians' consent for school and social services (the police in the group see that one anonymously)."""
        social_worker = self.demo_users[Role.SOCIAL_WORKER]
        held_on = self.today - timedelta(days=7)
        police = self.demo_users[Role.POLICE_OFFICER]
        given = meeting_actions.MeetingInput(
            held_on=held_on, place="Fritidsgården Centrum",
            agenda="1. Lägesbild i centrum\n2. Unga vi oroar oss för\n3. Helgens insatser",
            minutes="Polisen beskrev oro kring en grupp unga vid centrumtorget. Fältgruppen ökar närvaron på fredagar.",
            decisions="Fältgruppen och polisen samordnar kvällarna fram till jullovet.",
            present=list(group.members.all()),
            actions=[meeting_actions.ActionInput("Samordna fredagskvällarna med fältgruppen", police, self.today)],
        )  # fmt: skip
        meeting = meeting_actions.save_meeting(group=group, given=given, by=social_worker)
        education, social = self.organisations["education"], self.organisations["social"]
        meeting_actions.add_discussion(
            meeting=meeting, age_band="13-15", issue=Issue.CRIME, brought_by=education, by=social_worker,
            description="En pojke i årskurs 8 som har börjat umgås med äldre ungdomar och ofta är borta på "
            "eftermiddagarna.",
        )  # fmt: skip
        known = visible_to(social_worker, Child.objects.filter(protected_identity=False, custodies__isnull=False))
        child = known.filter(birth_date__gt=self.today - timedelta(days=365 * 18)).order_by("pk").first()
        if child is None:
            return
        second = meeting_actions.add_discussion(
            meeting=meeting, age_band="13-15", issue=Issue.VIOLENCE, brought_by=social, by=social_worker,
            description="En elev som har varit inblandad i bråk på skolgården flera gånger den här terminen.",
        )  # fmt: skip
        meeting_actions.identify_child(
            discussion=second, identity_number=child.identity_number, by=social_worker, today=self.today,
            notes="Familjen har kontakt med socialtjänsten. Skolan erbjuder stöd av kurator; uppföljning i januari.",
            consent=meeting_actions.ConsentInput([education, social], held_on - timedelta(days=3)),
        )  # fmt: skip
        self.counts["group_meetings"] += 1

    def _person(self, role: str) -> User:
        """A member of staff in this role not yet seated (the demo logins sit where the plan says)."""
        if role in self.demo_first:
            self.demo_first.discard(role)
            return self.demo_users[role]
        for user in self.staff.get(role, []):
            if user.pk not in self.used:
                self.used.add(user.pk)
                return user
        return self.demo_users[role]

    def _group(self, plan: GroupPlan) -> CollaborationGroup:
        owner = self.organisations[plan.owner]
        group = CollaborationGroup.objects.create(
            municipality=self.municipality, name=plan.name, level=plan.level, mandate=plan.mandate,
            mandate_decided_by="Kommunstyrelsen" if plan.level == GroupLevel.STRATEGIC else "Socialnämnden",
            mandate_decided_on=self.today - timedelta(days=self.rng.randint(200, 900)), owner=owner,
            age_from=plan.ages[0], age_to=plan.ages[1], issues=list(plan.issues), meeting_rhythm=plan.rhythm,
            decision_power="Beslutar om gemensamma insatser inom ramen för medlemmarnas egna mandat.",
            review_on=self.today + timedelta(days=self.rng.randint(45, 400)), changed_by=self.coordinator,
            changed_at=timezone.now(),
        )  # fmt: skip
        group.organisations.set(
            {owner, *(self.organisations[key] for key in plan.others)},
            through_defaults={"municipality_id": group.municipality_id},
        )
        members = []
        for index, (organisation, role) in enumerate(plan.members):
            seat = MemberRole.CHAIR if index == 0 else MemberRole.MEMBER
            if role.startswith("name:"):
                name = f"{names.SWEDISH.female.pick(self.rng)} {names.SWEDISH.last.pick(self.rng)}"
                members.append(
                    GroupMember(municipality_id=group.municipality_id, group=group, name=name,
                                organisation=self.organisations[organisation], title=role[5:], role=seat)
                )  # fmt: skip
            else:
                user = self.coordinator if role == Role.COORDINATOR else self._person(role)
                members.append(
                    GroupMember(
                        municipality_id=group.municipality_id,
                        group=group,
                        user=user,
                        organisation=self.organisations[organisation],
                        role=seat,
                    )
                )
        GroupMember.objects.bulk_create(members)
        self.counts["collaboration_groups"] += 1
        self.counts["collaboration_group_members"] += len(members)
        return group

    def _share_members(self, first: CollaborationGroup, second: CollaborationGroup) -> None:
        """The overlap: two of SSPF Centrum's people sit in Trygghetsgruppen, with one of its own."""
        shared = list(first.members.order_by("pk"))[:2]
        rows = [
            GroupMember(
                municipality_id=second.municipality_id,
                group=second,
                user=m.user,
                name=m.name,
                organisation=m.organisation,
                role=MemberRole.MEMBER,
            )
            for m in shared
        ]
        rows.append(
            GroupMember(municipality_id=second.municipality_id, group=second,
                        name="Trygghetssamordnare " + names.SWEDISH.last.pick(self.rng),
                        organisation=self.organisations["executive"], title="Trygghetssamordnare",
                        role=MemberRole.CHAIR)
        )  # fmt: skip
        GroupMember.objects.bulk_create(rows)
        self.counts["collaboration_group_members"] += len(rows)

    def _agreements(self, groups: dict[str, CollaborationGroup]) -> None:
        education, social, police = (self.organisations[k] for k in ("education", "social", "police"))
        violence = self._agreement(
            "Överenskommelse om samverkan mot våld bland unga",
            [education, social, police],
            "Unga utsätts för och utövar våld i skolan och i centrum; skola, socialtjänst och polis skickar papper "
            "till varandra i stället för att arbeta tillsammans.",
            "Att tillsammans förebygga våld bland unga: MVP i skolorna, trygg bas för varje elev och polisen "
            "schemalagd i arbetet.",
            [
                (education, "Utbildar all personal i MVP och utser elevmentorer i årskurs 8."),
                (education, "Inventerar trygg bas i varje klass varje termin."),
                (social, "Samordnar arbetet och leder SSPF-grupperna."),
                (police, "Deltar i SSPF-grupperna och i skolornas trygghetsarbete enligt schema."),
            ],
            [groups["SSPF Centrum"], groups["SSPF Norr"], groups["Trygghetsgruppen Centrum"]],
            review_on=self.today - timedelta(days=200),  # reviewed then: version 2
            first_from=self.today - timedelta(days=700),
        )
        self._new_version(
            violence,
            "Polisen schemaläggs i skolornas trygghetsarbete.",
            (police, "Kommunpolisen finns på varje högstadieskola en förmiddag i veckan."),
            valid_from=self.today - timedelta(days=200),
            review_on=self.today + timedelta(days=12),  # due for review within the month, on any day
        )
        self._agreement(
            "Överenskommelse om tidig samverkan kring barn och unga (BUS)",
            [education, social, self.organisations["region"]],
            "Barn som far illa upptäcks sent och får insatser från flera håll utan samordning.",
            "Att upptäcka tidigt och samordna insatser för barn med behov av stöd från flera verksamheter.",
            [
                (education, "Elevhälsan tar initiativ till samverkan när en elev behöver stöd från fler."),
                (social, "Utser kontaktpersoner för varje skola och förskola."),
                (self.organisations["region"], "Deltar i SIP inom tre veckor från kallelse."),
            ],
            [groups["Tidiga insatser 0–12"], groups["SIP-samordning"]],
            review_on=self.today + timedelta(days=160),
            first_from=self.today - timedelta(days=400),
        )

    def _agreement(
        self,
        title: str,
        parties: list[Organisation],
        needs: str,
        purpose: str,
        commitments: list[tuple[Organisation, str]],
        groups: list[CollaborationGroup],
        *,
        review_on: date,
        first_from: date,
    ) -> AgreementVersion:
        agreement = Agreement.objects.create(
            municipality=self.municipality, title=title, responsible=self.coordinator, created_at=timezone.now()
        )
        version = AgreementVersion.objects.create(
            municipality_id=agreement.municipality_id, agreement=agreement, number=1, purpose=purpose, needs=needs,
            valid_from=first_from, review_on=review_on,
            recorded_by=self.coordinator, recorded_at=timezone.now(),
        )  # fmt: skip
        self._fill(version, parties, commitments, groups, first_from)
        return version

    def _fill(
        self,
        version: AgreementVersion,
        parties: list[Organisation],
        commitments: list[tuple[Organisation, str]],
        groups: list[CollaborationGroup],
        signed: date,
    ) -> None:
        own = {"municipality_id": version.municipality_id}
        version.parties.set(parties, through_defaults=own)
        version.groups.set(groups, through_defaults=own)
        Commitment.objects.bulk_create(
            Commitment(**own, version=version, organisation=o, text=t) for o, t in commitments
        )
        Signatory.objects.bulk_create(
            Signatory(**own, version=version,
                      name=f"{names.SWEDISH.male.pick(self.rng)} {names.SWEDISH.last.pick(self.rng)}",
                      title="Förvaltningschef" if party.kind != "police" else "Lokalpolisområdeschef",
                      organisation=party, signed_on=signed - timedelta(days=14))
            for party in parties
        )  # fmt: skip
        self.counts["agreement_versions"] += 1

    def _new_version(
        self,
        first: AgreementVersion,
        note: str,
        added: tuple[Organisation, str],
        *,
        valid_from: date,
        review_on: date,
    ) -> None:
        version = AgreementVersion.objects.create(
            municipality_id=first.municipality_id, agreement=first.agreement, number=2, purpose=first.purpose,
            needs=first.needs, valid_from=valid_from,
            review_on=review_on, change_note=note, recorded_by=self.coordinator, recorded_at=timezone.now(),
        )  # fmt: skip
        commitments = [(c.organisation, c.text) for c in first.commitments.all()] + [added]
        self._fill(version, list(first.parties.all()), commitments, list(first.groups.all()), valid_from)


def write_collaboration(structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> Counter[str]:
    return CollaborationWriter(structure, logins, rng, today).write()
