"""What changes between two questionnaire versions, in plain Dutch lines an adviser reads before publishing.

Pure. Questions pair up the way answers carry over (`carryover`): by id when both files share a version
string, otherwise only through the newer file's mapping from the older version. Without a mapping
nothing carries over, so every old question is listed as removed and every new one as added: that is
what a gemeente would see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .carryover import mapped, same_version
from .questionnaire import (
    AnswerIs,
    AnyUnknown,
    Cap,
    Condition,
    DomainLevelIn,
    Level,
    Question,
    Questionnaire,
    Requirement,
    StageIs,
    Trigger,
    UnknownAtLeast,
)

KINDS = ("added", "removed", "reworded", "split", "merged", "changed")


@dataclass(frozen=True)
class QuestionChange:
    kind: str  # one of KINDS
    old_ids: tuple[str, ...]
    new_ids: tuple[str, ...]
    domain: str  # the domain's title (the new version's, else the old's)
    old_text: str  # the question text before ("" when added; the texts joined by " / " when merged)
    new_text: str  # after ("" when removed; the texts joined by " / " when split)
    details: tuple[str, ...]  # Dutch lines on weights and answers


@dataclass(frozen=True)
class VersionDiff:
    old_version: str
    new_version: str
    mapped: bool  # answers carry over: the same version, or `new` maps from `old`'s version
    questions: tuple[QuestionChange, ...]  # in the new version's order, removed ones after
    levels: tuple[str, ...]
    caps: tuple[str, ...]
    advice: tuple[str, ...]
    settings: tuple[str, ...]  # scoring settings, domains and their weights, title and version, stages
    texts: tuple[str, ...] = ()  # other texts: help, sources, glossary, references, estimate

    @property
    def empty(self) -> bool:
        return not (self.questions or self.levels or self.caps or self.advice or self.settings or self.texts)

    def counts(self) -> dict[str, int]:
        """How many changes of each kind (every kind, zero included), in KINDS order."""
        counts = dict.fromkeys(KINDS, 0)
        for change in self.questions:
            counts[change.kind] += 1
        return counts


def diff(old: Questionnaire, new: Questionnaire) -> VersionDiff:
    pairs = _pairs(old, new)
    one_to_one = [(olds[0], news[0]) for olds, news in _groups(pairs or []) if len(olds) == len(news) == 1]
    return VersionDiff(
        old_version=old.version,
        new_version=new.version,
        mapped=pairs is not None,
        questions=_question_changes(old, new, pairs or []),
        levels=_levels(old, new),
        caps=_caps(old, new, pairs or []),
        advice=_advice(old, new, pairs or []),
        settings=_settings(old, new),
        texts=_texts(old, new, one_to_one),
    )


# -- pairing questions ------------------------------------------------------------------------------

Pair = tuple[str, str, Mapping[str, str]]  # (old id, new id, old value -> new value)


def _pairs(old: Questionnaire, new: Questionnaire) -> list[Pair] | None:
    """Which old question's answers go to which new question, through which table; None: nothing carries over."""
    if same_version(old, new):
        return [
            (q.id, q.id, {o.value: o.value for o in old.question(q.id).options if q.option(o.value)})
            for q in new.questions
            if old.question(q.id) is not None
        ]
    if mapped(old, new):
        return [
            (e.old, e.new, e.table)
            for e in new.mapping.questions
            if old.question(e.old) is not None and new.question(e.new) is not None
        ]
    return None


def _groups(pairs: list[Pair]) -> list[tuple[list[str], list[str]]]:
    """The connected groups of old and new ids: one to one, one to several (split), several to one (merge)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for old_id, new_id, _ in pairs:
        parent[root(("old", old_id))] = root(("new", new_id))
    groups: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for old_id, new_id, _ in pairs:
        olds, news = groups.setdefault(root(("old", old_id)), ([], []))
        if old_id not in olds:
            olds.append(old_id)
        if new_id not in news:
            news.append(new_id)
    return list(groups.values())


def _question_changes(old: Questionnaire, new: Questionnaire, pairs: list[Pair]) -> tuple[QuestionChange, ...]:
    order = {q.id: i for i, q in enumerate(new.questions)}
    tables = {(o, n): t for o, n, t in pairs}
    listed: list[tuple[int, QuestionChange]] = []
    for olds, news in _groups(pairs):
        news.sort(key=order.__getitem__)
        change = _paired(old, new, olds, news, tables)
        if change is not None:
            listed.append((order[news[0]], change))
    paired_new = {n for _, n, _ in pairs}
    for question in new.questions:
        if question.id not in paired_new:
            listed.append(
                (
                    order[question.id],
                    QuestionChange("added", (), (question.id,), _title(new, question), "", question.text, ()),
                )
            )
    listed.sort(key=lambda item: item[0])
    changes = [change for _, change in listed]
    paired_old = {o for o, _, _ in pairs}
    for question in old.questions:
        if question.id not in paired_old:
            changes.append(
                QuestionChange(
                    "removed",
                    (question.id,),
                    (),
                    _title(old, question),
                    question.text,
                    "",
                    ("Het antwoord gaat niet mee naar de nieuwe versie",),
                )
            )
    return tuple(changes)


def _paired(old, new, olds, news, tables) -> QuestionChange | None:
    old_qs = [old.question(i) for i in olds]
    new_qs = [new.question(i) for i in news]
    domain = _title(new, new_qs[0])
    old_text = " / ".join(q.text for q in old_qs)
    new_text = " / ".join(q.text for q in new_qs)
    if len(olds) == 1 and len(news) == 1:
        table = tables[olds[0], news[0]]
        details = _question_details(old_qs[0], new_qs[0], table, old, new)
        details += _new_options(new_qs[0], [(old_qs[0], table)])
        if old_qs[0].text != new_qs[0].text:
            kind = "reworded"
        elif details:
            kind = "changed"
        else:
            return None
        return QuestionChange(kind, tuple(olds), tuple(news), domain, old_text, new_text, tuple(details))
    details = []
    if len(olds) > 1:  # merged (several old questions, possibly also split over several new ones)
        kind = "merged"
        details.append(
            "Het zwakste van de oude antwoorden gaat mee; heeft een van de oude vragen geen antwoord dat "
            "meegaat, dan blijft de vraag open"
        )
    else:
        kind = "split"
        details.append("Het oude antwoord gaat naar elk van de nieuwe vragen")
    for old_q in old_qs:
        for new_q in new_qs:
            table = tables.get((old_q.id, new_q.id))
            if table is None:
                continue
            where = f"'{old_q.id}' naar '{new_q.id}'" if len(olds) > 1 and len(news) > 1 else None
            where = where or (f"Van '{old_q.id}'" if kind == "merged" else f"Naar '{new_q.id}'")
            details.extend(f"{where}: {_lower(line)}" for line in _question_details(old_q, new_q, table, old, new))
    for new_q in new_qs:
        sources = [(q, tables[q.id, new_q.id]) for q in old_qs if (q.id, new_q.id) in tables]
        for line in _new_options(new_q, sources):
            details.append(f"Bij '{new_q.id}': {_lower(line)}" if len(news) > 1 else line)
    return QuestionChange(kind, tuple(olds), tuple(news), domain, old_text, new_text, tuple(details))


def _lower(line: str) -> str:
    return line[:1].lower() + line[1:]


def _title(questionnaire: Questionnaire, question: Question) -> str:
    domain = questionnaire.domain(question.domain_id)
    return domain.title if domain else question.domain_id


def _question_details(
    old_q: Question, new_q: Question, table: Mapping[str, str], old: Questionnaire, new: Questionnaire
) -> list[str]:
    """Weight, domain and answers of one old question as they reach one new question (answers that
    are new to the question: see `_new_options`)."""
    lines = []
    if old_q.weight != new_q.weight:
        lines.append(f"Weging {_number(new_q.weight)} in plaats van {_number(old_q.weight)}")
    if old_q.domain_id != new_q.domain_id:
        lines.append(f"Staat nu in domein {_title(new, new_q)} in plaats van {_title(old, old_q)}")
    for option in old_q.options:
        target = new_q.option(table.get(option.value, ""))
        if target is None:
            lines.append(f"Antwoord '{option.value}' valt weg: wie het gaf, beantwoordt de vraag opnieuw")
            continue
        parts = []
        if target.value != option.value:
            parts.append(f"wordt '{target.value}'")
        elif target.label != option.label:
            parts.append(f"heet nu '{target.label}'")
        before, after = old_q.points[option.value], new_q.points[target.value]
        if before != after:
            parts.append(f"telt nu {_hundredths(after, before)}")
        if (option.stage and option.stage.id) != (target.stage and target.stage.id):
            parts.append(f"claimt nu {_stage(target.stage)} in plaats van {_stage(option.stage)}")
        if option.regional != target.regional:
            parts.append("geldt nu als regionaal geregeld" if target.regional else "geldt niet meer als regionaal")
        if parts:
            lines.append(f"Antwoord '{option.value}' {', '.join(parts)}")
    return lines


def _new_options(new_q: Question, sources: list[tuple[Question, Mapping[str, str]]]) -> list[str]:
    """The answers of a new question that no old answer leads to and that its old questions did not have."""
    old_values = {o.value for q, _ in sources for o in q.options}
    reached = {table.get(o.value) for q, table in sources for o in q.options}
    return [
        f"Antwoord '{o.value}' is nieuw" for o in new_q.options if o.value not in reached and o.value not in old_values
    ]


def _stage(stage) -> str:
    return f"fase '{stage.label}'" if stage else "geen fase"


def _hundredths(after: Fraction, before: Fraction) -> str:
    """Points out of 100, e.g. '50 in plaats van 25'; with a decimal where whole numbers would look equal."""
    a, b = _round(100 * after), _round(100 * before)
    if a == b:
        return f"{_number(float(_round(1000 * after)) / 10)} in plaats van {_number(float(_round(1000 * before)) / 10)}"
    return f"{a} in plaats van {b}"


def _round(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def _number(value: float) -> str:
    """Dutch notation: 2, 62,5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _points(value: float) -> str:
    return f"{_number(value)} punt" if value == 1 else f"{_number(value)} punten"


def _share(value: float) -> str:
    return f"{_number(round(value * 100, 1))}%"


# -- levels, caps, advice, settings ---------------------------------------------------------------------


def _levels(old: Questionnaire, new: Questionnaire) -> tuple[str, ...]:
    lines = []
    before = {lv.id: lv for lv in old.levels}
    after = {lv.id: lv for lv in new.levels}
    for level in new.levels:
        was = before.get(level.id)
        if was is None:
            lines.append(f"Niveau '{level.label}' is nieuw: van {_number(level.min)} tot {_number(level.max)}")
            continue
        if was.label != level.label:
            lines.append(f"Niveau '{was.label}' heet nu '{level.label}'")
        if (was.min, was.max) != (level.min, level.max):
            lines.append(
                f"Niveau '{level.label}' loopt nu van {_number(level.min)} tot {_number(level.max)} "
                f"in plaats van {_number(was.min)} tot {_number(was.max)}"
            )
        if _requirement(was.requires) != _requirement(level.requires):
            lines.append(
                f"Niveau '{level.label}' vraagt nu {_requirement(level.requires)} "
                f"in plaats van {_requirement(was.requires)}"
            )
        if was.description != level.description:
            lines.append(f"Niveau '{level.label}' heeft een nieuwe omschrijving")
        if was.rank != level.rank:
            lines.append(f"Niveau '{level.label}' staat nu op plaats {level.rank} in plaats van {was.rank}")
    for level in old.levels:
        if level.id not in after:
            lines.append(f"Niveau '{level.label}' valt weg")
    return tuple(lines)


def _requirement(requires: Requirement | None) -> str:
    if requires is None:
        return "geen eis over de praktijk"
    return f"minstens {_share(requires.share)} van het gewicht op '{requires.stage.label}' of hoger"


def _level_label(questionnaire: Questionnaire, level_id: str) -> str:
    level: Level | None = questionnaire.level(level_id)
    return level.label if level else level_id


def _translated(pairs: list[Pair]) -> dict[str, list[str]]:
    targets: dict[str, list[str]] = {}
    for old_id, new_id, _ in pairs:
        targets.setdefault(old_id, []).append(new_id)
    return targets


def _caps(old: Questionnaire, new: Questionnaire, pairs: list[Pair]) -> tuple[str, ...]:
    targets = _translated(pairs)
    unpaired = list(new.caps)
    lines = []

    def describe(q: Questionnaire, cap: Cap) -> str:
        return (
            f"zolang vraag '{cap.question_id}' niet minstens {_points(cap.below)} scoort, "
            f"is het totaalniveau hoogstens '{_level_label(q, cap.max_level)}'"
        )

    for cap in old.caps:
        # the cap follows its question through the mapping; a rule on a question id both files use
        # pairs up too (it is the same rule, even where the answers do not carry over)
        match = next((c for c in unpaired if c.question_id in targets.get(cap.question_id, ())), None)
        match = match or next((c for c in unpaired if c.question_id == cap.question_id), None)
        if match is None:
            lines.append(f"Begrenzing valt weg: {describe(old, cap)}")
            continue
        unpaired.remove(match)
        where = f"Begrenzing op vraag '{match.question_id}'"
        if match.question_id != cap.question_id:
            lines.append(f"{where} (was vraag '{cap.question_id}') volgt de vraag naar de nieuwe versie")
        if match.below != cap.below:
            lines.append(f"{where}: drempel nu {_points(match.below)} in plaats van {_number(cap.below)}")
        if cap.max_level != match.max_level:
            lines.append(
                f"{where}: totaalniveau nu hoogstens '{_level_label(new, match.max_level)}' "
                f"in plaats van '{_level_label(old, cap.max_level)}'"
            )
        if match.reason != cap.reason:
            lines.append(f"{where}: de uitleg is gewijzigd")
    lines.extend(f"Nieuwe begrenzing: {describe(new, cap)}" for cap in unpaired)
    return tuple(lines)


def _advice(old: Questionnaire, new: Questionnaire, pairs: list[Pair]) -> tuple[str, ...]:
    before = {r.id: r for r in old.recommendations}
    after = {r.id: r for r in new.recommendations}
    tables = {}
    for old_id, new_id, table in pairs:
        tables.setdefault(old_id, []).append((new_id, table))
    lines = []
    for rec in new.recommendations:
        was = before.get(rec.id)
        if was is None:
            lines.append(
                f"Aanbeveling '{rec.title}' is nieuw ({_domain_title(new, rec.domain_id)}, "
                f"prioriteit {_priority(new, rec.priority)}) en verschijnt {_trigger(new, rec.when)}"
            )
            continue
        name = f"Aanbeveling '{rec.title}'"
        if was.title != rec.title:
            lines.append(f"Aanbeveling '{was.title}' heet nu '{rec.title}'")
        if was.domain_id != rec.domain_id:
            lines.append(
                f"{name} hoort nu bij {_domain_title(new, rec.domain_id)} "
                f"in plaats van {_domain_title(old, was.domain_id)}"
            )
        if _priority(old, was.priority) != _priority(new, rec.priority):
            lines.append(
                f"{name} heeft nu prioriteit {_priority(new, rec.priority)} "
                f"in plaats van {_priority(old, was.priority)}"
            )
        if _normal(_translate_trigger(was.when, tables, same_version(old, new))) != _normal(rec.when):
            lines.append(f"{name} verschijnt nu {_trigger(new, rec.when)}, in plaats van {_trigger(old, was.when)}")
        if was.text != rec.text:
            lines.append(f"{name} heeft een nieuwe tekst")
        if was.source != rec.source:
            lines.append(f"{name} noemt een andere bron")
    for rec in old.recommendations:
        if rec.id not in after:
            lines.append(f"Aanbeveling '{rec.title}' valt weg")
    return tuple(lines)


def _domain_title(questionnaire: Questionnaire, domain_id: str) -> str:
    domain = questionnaire.domain(domain_id)
    return f"domein {domain.title}" if domain else f"domein {domain_id}"


def _priority(questionnaire: Questionnaire, priority: int) -> str:
    return questionnaire.priorities.get(priority, str(priority))


def _translate_trigger(trigger: Trigger, tables, same: bool) -> Trigger:
    """An old trigger in the new version's ids, where the mapping makes that one to one."""
    if same:
        return trigger
    conditions = []
    for condition in trigger.conditions:
        routes = tables.get(condition.question_id, []) if isinstance(condition, AnswerIs) else []
        if len(routes) == 1:
            new_id, table = routes[0]
            values = tuple(dict.fromkeys(table[v] for v in condition.values if v in table))
            condition = AnswerIs(new_id, values)
        conditions.append(condition)
    return Trigger(tuple(conditions), trigger.all)


def _normal(trigger: Trigger) -> tuple[bool, frozenset]:
    """A trigger as a set of conditions: the order of conditions and of their answers does not matter."""

    def normal(c: Condition) -> Condition:
        if isinstance(c, AnswerIs):
            return AnswerIs(c.question_id, tuple(sorted(set(c.values))))
        if isinstance(c, DomainLevelIn):
            return DomainLevelIn(tuple(sorted(set(c.levels))))
        return c

    conditions = frozenset(normal(c) for c in trigger.conditions)
    return trigger.all or len(conditions) <= 1, conditions


def _trigger(questionnaire: Questionnaire, trigger: Trigger) -> str:
    joiner = " en " if trigger.all else " of "
    return "als " + joiner.join(_condition(questionnaire, c) for c in trigger.conditions)


def _condition(questionnaire: Questionnaire, condition: Condition) -> str:
    match condition:
        case AnswerIs(question_id, values):
            return f"het antwoord op vraag '{question_id}' {_one_of(values)} is"
        case DomainLevelIn(levels):
            return f"het domein op {_one_of(tuple(_level_label(questionnaire, lv) for lv in levels))} staat"
        case StageIs(stage):
            found = questionnaire.stage(stage)
            return f"een vraag van het domein op '{found.label if found else stage}' staat"
        case AnyUnknown():
            return "een vraag van het domein met 'weet ik niet' is beantwoord"
        case UnknownAtLeast(count):
            return f"minstens {count} vragen met 'weet ik niet' zijn beantwoord"
    return str(condition)


def _one_of(values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " of " + quoted[-1]


SCORING_SETTINGS = (
    ("min_coverage", "Deel van het gewicht van een domein dat beantwoord moet zijn voor een score", _share),
    ("gap_below", "Grens waaronder een antwoord een tekort is", _share),
    ("unknown_warning", "Aandeel 'weet ik niet' waarbij een domein gemarkeerd wordt", _share),
    ("top_priority_max", "Hoeveel adviezen hoogstens prioriteit 'Hoog' houden", str),
    ("start_package", "Hoeveel adviezen het startpakket telt", str),
)


def _settings(old: Questionnaire, new: Questionnaire) -> tuple[str, ...]:
    lines = []
    if old.version != new.version:
        lines.append(f"Versie {new.version} in plaats van {old.version}")
    if old.title != new.title:
        lines.append(f"Titel '{new.title}' in plaats van '{old.title}'")
    if old.introduction != new.introduction:
        lines.append("De inleiding van de vragenlijst is gewijzigd")
    for key, label, show in SCORING_SETTINGS:
        before, after = getattr(old.scoring, key), getattr(new.scoring, key)
        if before != after:
            lines.append(f"{label}: {show(after)} in plaats van {show(before)}")
    before_domains = {d.id: d for d in old.domains}
    for domain in new.domains:
        was = before_domains.get(domain.id)
        if was is None:
            lines.append(f"Domein '{domain.title}' is nieuw")
            continue
        if was.title != domain.title:
            lines.append(f"Domein '{was.title}' heet nu '{domain.title}'")
        if was.weight != domain.weight:
            lines.append(
                f"Domein '{domain.title}' weegt nu {_number(domain.weight)} in plaats van {_number(was.weight)}"
            )
        if was.introduction != domain.introduction:
            lines.append(f"De inleiding van domein '{domain.title}' is gewijzigd")
    new_domains = {d.id for d in new.domains}
    lines.extend(f"Domein '{d.title}' valt weg" for d in old.domains if d.id not in new_domains)
    if [d.id for d in old.domains if d.id in new_domains] != [d.id for d in new.domains if d.id in before_domains]:
        lines.append("De domeinen staan in een andere volgorde")
    before_stages = {s.id: s for s in old.stages}
    for stage in new.stages:
        was = before_stages.get(stage.id)
        if was is None:
            lines.append(f"Fase '{stage.label}' is nieuw")
        elif was.label != stage.label:
            lines.append(f"Fase '{was.label}' heet nu '{stage.label}'")
        elif was.rank != stage.rank:
            lines.append(f"Fase '{stage.label}' staat nu op plaats {stage.rank} in plaats van {was.rank}")
    new_stages = {s.id for s in new.stages}
    lines.extend(f"Fase '{s.label}' valt weg" for s in old.stages if s.id not in new_stages)
    if old.priorities != new.priorities:
        names = ", ".join(f"{k} {v}" for k, v in sorted(new.priorities.items()))
        lines.append(f"De prioriteiten heten nu: {names}")
    return tuple(lines)


# -- other texts ----------------------------------------------------------------------------------------

QUESTION_TEXTS = (
    ("help", "toelichting"),
    ("source", "bron"),
    ("find_out", "eerste stap bij 'weet ik niet'"),
    ("finding", "bevinding in het rapport"),
    ("requirements", "eisen voor de inkoopbijlage"),
)


def _texts(old: Questionnaire, new: Questionnaire, one_to_one: list[tuple[str, str]]) -> tuple[str, ...]:
    """The texts around questions that stay one to one (a split or merged question's texts differ anyway)."""
    lines = []
    for old_id, new_id in one_to_one:
        was, question = old.question(old_id), new.question(new_id)
        changed = [name for key, name in QUESTION_TEXTS if getattr(was, key) != getattr(question, key)]
        if changed:
            lines.append(f"Vraag '{new_id}': {_and(changed)} gewijzigd")
    lines.extend(_named_list("Begrip", {t.term: t for t in old.glossary}, {t.term: t for t in new.glossary}))
    lines.extend(_named_list("Bron", {r.title: r for r in old.references}, {r.title: r for r in new.references}))
    if old.estimate != new.estimate:
        lines.append("De landelijke schatting van het aantal KOPP/KOV-kinderen is gewijzigd")
    return tuple(lines)


def _named_list(kind: str, before: dict, after: dict) -> list[str]:
    lines = [f"{kind} '{name}' is nieuw" for name in after if name not in before]
    lines += [f"{kind} '{name}' is gewijzigd" for name in after if name in before and before[name] != after[name]]
    lines += [f"{kind} '{name}' valt weg" for name in before if name not in after]
    return lines


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
