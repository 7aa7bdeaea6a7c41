"""Load questions.yaml into the questionnaire model, reporting every problem at once.

Each problem names its place in the file, e.g.
``domains[2].questions[4].options: dubbele waarde 'ja'``. Messages are Dutch:
they are read by the Trimbos advisers who edit the file.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .questionnaire import (
    INSTRUMENTS,
    PLACEHOLDER,
    AnswerIs,
    AnyUnknown,
    Cap,
    Clause,
    Condition,
    Domain,
    DomainLevelIn,
    Estimate,
    Level,
    Option,
    Placeholder,
    Question,
    QuestionMapping,
    Questionnaire,
    Recommendation,
    Reference,
    Requirement,
    Scoring,
    Stage,
    StageIs,
    Term,
    Trigger,
    UnknownAtLeast,
    Verification,
    VersionMapping,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # stored answers keep ids in 64 characters
VERSION_MAX = 40  # characters, as the database stores a version
YEAR_PATTERN = re.compile(r"^(\d{4}|z\.j\.)$")  # a year, or 'z.j.' (zonder jaar) for an undated page

# The keys each kind of entry may have: anything else is a typo an editor must hear of.
KEYS = {
    "top": {
        "version",
        "title",
        "introduction",
        "scoring",
        "stages",
        "levels",
        "overall_caps",
        "scales",
        "priorities",
        "glossary",
        "references",
        "estimate",
        "domains",
        "recommendations",
        "mapping",
    },
    "estimate": {"share", "year", "source", "note"},
    "scoring": {"min_coverage", "gap_below", "unknown_warning", "top_priority_max", "start_package"},
    "stage": {"id", "label"},
    "level": {"id", "label", "min", "max", "description", "requires"},
    "requires": {"stage", "share"},
    "cap": {"question", "below", "max_level", "reason"},
    "option": {"value", "label", "score", "unknown", "regional", "stage"},
    "domain": {"id", "title", "introduction", "weight", "questions"},
    "question": {
        "id",
        "text",
        "help",
        "scale",
        "options",
        "weight",
        "source",
        "requirements",
        "find_out",
        "finding",
    },
    "clause": {"title", "text", "instruments", "basis", "verification", "placeholders"},
    "verification": {"evidence", "frequency"},
    "recommendation": {"id", "domain", "title", "text", "priority", "source", "when"},
    "condition": {"question", "answers", "domain_level", "stage", "unknown"},
    "legacy_when": {"answers", "levels", "unknown_at_least"},
    "term": {"term", "matches", "definition", "source"},
    "reference": {"title", "publisher", "year", "url", "matches"},
    "mapping": {"from_version", "questions"},
    "mapping_question": {"old", "new", "options"},
}


class QuestionnaireError(Exception):
    """The questionnaire file is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML silently keeps the last of two equal keys; an editor must hear of it."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "een sleutel moet een woord of getal zijn", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"dubbele sleutel '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)

    def compose_node(self, parent, index):
        # An alias repeats a subtree while the file shows it once: a few lines can stand for
        # billions of nodes (a "YAML bomb"). The questionnaire needs none, so none is accepted.
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliassen (*naam) zijn niet toegestaan", mark)
        return super().compose_node(parent, index)


def load_questionnaire(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise QuestionnaireError([f"{path}: kan het bestand niet lezen ({error.strerror})"]) from None
    return parse_questionnaire(text)


def parse_questionnaire(text: str) -> Questionnaire:
    """Parse and validate questionnaire YAML; raise QuestionnaireError listing all problems."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}: " if mark else ""
        what = getattr(error, "problem", None) or str(error)
        raise QuestionnaireError([f"{where}geen geldige YAML ({what})"]) from None
    except RecursionError:
        raise QuestionnaireError(["geen geldige YAML (te diep genest)"]) from None
    except ValueError:  # an integer longer than Python converts (4300 digits)
        raise QuestionnaireError(["geen geldige YAML (een getal is te lang)"]) from None
    return _Builder(data).build()


def fingerprint(data: Any) -> str:
    """A hash of the content, blind to comments, key order and layout."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Builder:
    def __init__(self, data: Any):
        self.data = data
        self.problems: list[str] = []

    # -- helpers ------------------------------------------------------------

    def problem(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def mapping(self, value: Any, place: str, kind: str | None = None) -> dict:
        """A mapping; with `kind`, every key must be one that kind of entry knows."""
        if not isinstance(value, dict):
            self.problem(place, "verwacht een lijst van sleutels en waarden")
            return {}
        if kind is not None:
            allowed = KEYS[kind]
            for key in value:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                    hint = f"; bedoelt u '{close[0]}'?" if close else f"; kies uit {', '.join(sorted(allowed))}"
                    where = f"{place}.{key}" if place != "(bestand)" else str(key)
                    self.problem(where, f"onbekende sleutel '{key}'{hint}")
        return value

    def sequence(self, value: Any, place: str) -> list:
        if not isinstance(value, list) or not value:
            self.problem(place, "verwacht een niet-lege lijst")
            return []
        return value

    def text(self, node: dict, key: str, place: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{place}.{key}", "ontbrekende tekst")
            return ""
        if not isinstance(value, str):
            self.problem(f"{place}.{key}", "verwacht tekst")
            return ""
        return " ".join(value.split())

    def identifier(self, node: dict, place: str, seen: set[str], kind: str) -> str:
        value = node.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(
                f"{place}.id",
                f"ongeldige id {value!r}: gebruik kleine letters, cijfers en _ (begin met een letter, hoogstens 64 tekens)",
            )
            return ""
        if value in seen:
            self.problem(f"{place}.id", f"dubbele {kind} '{value}'")
        seen.add(value)
        return value

    def number(self, node: dict, key: str, place: str, default=None, minimum=None):
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(f"{place}.{key}", f"verwacht een getal, niet {value!r}")
            return default
        if minimum is not None and value < minimum:
            self.problem(f"{place}.{key}", f"moet minstens {minimum} zijn, niet {value}")
        return value

    def share(self, node: dict, key: str, place: str, default: float) -> float:
        """A number between 0 and 1."""
        value = self.number(node, key, place, default=default, minimum=0)
        if isinstance(value, (int, float)) and value > 1:
            self.problem(f"{place}.{key}", "moet tussen 0 en 1 liggen")
        return float(value if value is not None else default)

    def texts(self, node: dict, key: str, place: str) -> tuple[str, ...]:
        """An optional list of Dutch texts."""
        raw = node.get(key, [])
        if not isinstance(raw, list):
            self.problem(f"{place}.{key}", "verwacht een lijst met teksten")
            return ()
        texts = []
        for i, value in enumerate(raw):
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{place}.{key}[{i}]", "ontbrekende tekst")
            else:
                texts.append(" ".join(value.split()))
        return tuple(texts)

    # -- sections -------------------------------------------------------------

    def build(self) -> Questionnaire:
        root = self.mapping(self.data, "(bestand)", "top")
        version = root.get("version")
        if not isinstance(version, (str, int, float)) or not str(version).strip():
            self.problem("version", "ontbrekende versie")
        elif len(str(version)) > VERSION_MAX:
            self.problem("version", f"een versie is hoogstens {VERSION_MAX} tekens, niet {len(str(version))}")
        scoring = self.scoring(root.get("scoring", {}))
        self.stages = self.stage_list(root.get("stages", []))
        levels = self.levels(root.get("levels"))
        scales = self.scales(root.get("scales", {}))
        domains = self.domains(root.get("domains"), scales)
        questions = {q.id: q for d in domains for q in d.questions}
        level_ids = {lv.id for lv in levels}
        priorities = self.priorities(root.get("priorities"))
        recommendations = self.recommendations(
            root.get("recommendations"), questions, {d.id for d in domains}, level_ids, priorities
        )
        caps = self.caps(root.get("overall_caps", []), questions, level_ids)
        glossary = self.glossary(root.get("glossary", []))
        references = self.references(root.get("references", []))
        estimate = self.estimate(root.get("estimate"))
        mapping = self.version_mapping(root.get("mapping"), questions)

        title = self.text(root, "title", "(bestand)")
        introduction = self.text(root, "introduction", "(bestand)")
        if self.problems:
            raise QuestionnaireError(self.problems)
        return Questionnaire(
            version=str(version),
            title=title,
            introduction=introduction,
            fingerprint=fingerprint(self.data),
            scoring=scoring,
            levels=levels,
            domains=domains,
            recommendations=recommendations,
            priorities=priorities,
            caps=caps,
            stages=tuple(self.stages.values()),
            glossary=glossary,
            mapping=mapping,
            estimate=estimate,
            references=references,
        )

    def scoring(self, raw: Any) -> Scoring:
        node = self.mapping(raw, "scoring", "scoring")
        defaults = Scoring()
        return Scoring(
            min_coverage=self.share(node, "min_coverage", "scoring", 0.5),
            gap_below=self.share(node, "gap_below", "scoring", defaults.gap_below),
            unknown_warning=self.share(node, "unknown_warning", "scoring", defaults.unknown_warning),
            top_priority_max=int(self.number(node, "top_priority_max", "scoring", default=0, minimum=0) or 0),
            start_package=int(self.number(node, "start_package", "scoring", default=3, minimum=1) or 3),
        )

    def stage_list(self, raw: Any) -> dict[str, Stage]:
        stages, seen = {}, set()
        for i, node in enumerate(raw if isinstance(raw, list) else self.sequence(raw, "stages")):
            place = f"stages[{i}]"
            node = self.mapping(node, place, "stage")
            stage_id = self.identifier(node, place, seen, "fase")
            stages[stage_id] = Stage(id=stage_id, label=self.text(node, "label", place), rank=i + 1)
        return stages

    def stage_ref(self, value: Any, place: str) -> Stage | None:
        if value not in self.stages:
            choices = ", ".join(self.stages) or "geen: definieer eerst 'stages'"
            self.problem(place, f"onbekende fase {value!r}; kies uit {choices}")
            return None
        return self.stages[value]

    def levels(self, raw: Any) -> tuple[Level, ...]:
        levels, seen = [], set()
        for i, node in enumerate(self.sequence(raw, "levels")):
            place = f"levels[{i}]"
            node = self.mapping(node, place, "level")
            level_id = self.identifier(node, place, seen, "niveau")
            low = self.number(node, "min", place)
            high = self.number(node, "max", place)
            if low is not None and high is not None and low >= high:
                self.problem(place, f"min ({low}) moet kleiner zijn dan max ({high})")
            requires = None
            if "requires" in node:
                if i == 0:
                    self.problem(f"{place}.requires", "het laagste niveau kan geen eis hebben")
                req = self.mapping(node["requires"], f"{place}.requires", "requires")
                stage = self.stage_ref(req.get("stage"), f"{place}.requires.stage")
                share = self.share(req, "share", f"{place}.requires", 0.5)
                requires = Requirement(stage, share) if stage else None
            levels.append(
                Level(
                    id=level_id,
                    label=self.text(node, "label", place),
                    min=low if low is not None else 0,
                    max=high if high is not None else 0,
                    description=self.text(node, "description", place),
                    rank=i + 1,
                    requires=requires,
                )
            )
        if not 4 <= len(levels) <= 5 and levels:
            self.problem("levels", f"verwacht 4 of 5 niveaus, niet {len(levels)}")
        if levels:
            if levels[0].min != 0:
                self.problem("levels[0].min", f"het laagste niveau moet bij 0 beginnen, niet bij {levels[0].min}")
            if levels[-1].max != 100:
                self.problem(
                    f"levels[{len(levels) - 1}].max",
                    f"het hoogste niveau moet bij 100 eindigen, niet bij {levels[-1].max}",
                )
        for i, (lower, upper) in enumerate(itertools.pairwise(levels), start=1):
            if upper.min > lower.max:
                self.problem(
                    f"levels[{i}].min", f"gat tussen niveaus: {lower.max} tot {upper.min} valt onder geen niveau"
                )
            elif upper.min < lower.max:
                self.problem(
                    f"levels[{i}].min", f"overlap tussen niveaus: {upper.min} tot {lower.max} valt onder twee niveaus"
                )
        return tuple(levels)

    def options(self, raw: Any, place: str) -> tuple[Option, ...]:
        options, values = [], set()
        for i, node in enumerate(self.sequence(raw, place)):
            option_place = f"{place}[{i}]"
            node = self.mapping(node, option_place, "option")
            value = node.get("value")
            if not isinstance(value, str) or not ID_PATTERN.match(value):
                self.problem(f"{option_place}.value", f"ongeldige waarde {value!r}")
                continue
            if value in values:
                self.problem(place, f"dubbele waarde '{value}'")
            values.add(value)
            unknown = node.get("unknown", False) is True
            if unknown and "score" in node:
                self.problem(option_place, "een 'weet ik niet'-antwoord (unknown) heeft geen score")
            if unknown and "stage" in node:
                self.problem(option_place, "een 'weet ik niet'-antwoord (unknown) heeft geen fase")
            score = None if unknown else self.number(node, "score", option_place, minimum=0)
            if not unknown and score is None:
                continue
            stage = self.stage_ref(node["stage"], f"{option_place}.stage") if "stage" in node else None
            options.append(
                Option(
                    value=value,
                    label=self.text(node, "label", option_place),
                    score=score,
                    regional=node.get("regional", False) is True,
                    stage=stage,
                )
            )
        scored = [o.score for o in options if o.score is not None]
        if raw and len(scored) < 2:
            self.problem(place, "verwacht minstens twee antwoorden met een score")
        elif scored and max(scored) <= 0:
            self.problem(place, "minstens één antwoord moet een score boven 0 hebben")
        if sum(o.unknown for o in options) > 1:
            self.problem(place, "meer dan één 'weet ik niet'-antwoord")
        return tuple(options)

    def scales(self, raw: Any) -> dict[str, tuple[Option, ...]]:
        return {name: self.options(node, f"scales.{name}") for name, node in self.mapping(raw, "scales").items()}

    def domains(self, raw: Any, scales: dict) -> tuple[Domain, ...]:
        domains, domain_ids, question_ids = [], set(), set()
        for i, node in enumerate(self.sequence(raw, "domains")):
            place = f"domains[{i}]"
            node = self.mapping(node, place, "domain")
            domain_id = self.identifier(node, place, domain_ids, "domein")
            questions = []
            for j, q_node in enumerate(self.sequence(node.get("questions"), f"{place}.questions")):
                questions.append(self.question(q_node, f"{place}.questions[{j}]", domain_id, question_ids, scales))
            domains.append(
                Domain(
                    id=domain_id,
                    title=self.text(node, "title", place),
                    introduction=self.text(node, "introduction", place),
                    questions=tuple(questions),
                    weight=self.number(node, "weight", place, default=1, minimum=0) or 1,
                )
            )
        return tuple(domains)

    def question(self, node: Any, place: str, domain_id: str, seen: set, scales: dict) -> Question:
        node = self.mapping(node, place, "question")
        question_id = self.identifier(node, place, seen, "vraag-id")
        if "scale" in node and "options" in node:
            self.problem(place, "geef 'scale' of 'options', niet allebei")
        if "options" in node:
            options = self.options(node["options"], f"{place}.options")
        elif node.get("scale") in scales:
            options = scales[node["scale"]]
        else:
            self.problem(f"{place}.scale", f"onbekende antwoordschaal {node.get('scale')!r}")
            options = ()
        weight = self.number(node, "weight", place, default=1, minimum=0)
        if weight == 0:
            self.problem(f"{place}.weight", "een gewicht moet groter dan 0 zijn")
        return Question(
            id=question_id,
            text=self.text(node, "text", place),
            help=self.text(node, "help", place),
            options=options,
            source=self.text(node, "source", place),
            weight=float(weight or 1),
            domain_id=domain_id,
            requirements=self.clauses(node.get("requirements", []), f"{place}.requirements"),
            find_out=self.text(node, "find_out", place, required=False),
            finding=self.text(node, "finding", place, required=False),
        )

    def clauses(self, raw: Any, place: str) -> tuple[Clause, ...]:
        """Procurement clauses: each a mapping, or (as in files before 2026.2) a plain text."""
        if not isinstance(raw, list):
            self.problem(place, "verwacht een lijst met eisen")
            return ()
        clauses = []
        for i, node in enumerate(raw):
            clause_place = f"{place}[{i}]"
            if isinstance(node, str):
                if node.strip():
                    clauses.append(Clause(text=" ".join(node.split())))
                else:
                    self.problem(clause_place, "ontbrekende tekst")
            elif isinstance(node, dict):
                clauses.append(self.clause(node, clause_place))
            else:
                self.problem(clause_place, "verwacht een eis met 'text', 'instruments' en 'verification', of een tekst")
        return tuple(clauses)

    def clause(self, node: dict, place: str) -> Clause:
        node = self.mapping(node, place, "clause")
        text = self.text(node, "text", place)
        known = [i.id for i in INSTRUMENTS]
        raw = node.get("instruments")
        instruments = []
        if not isinstance(raw, list) or not raw:
            self.problem(f"{place}.instruments", f"geef minstens één instrument: {', '.join(known)}")
            raw = []
        for value in raw:
            if value not in known:
                self.problem(f"{place}.instruments", f"onbekend instrument {value!r}; kies uit {', '.join(known)}")
            elif value in instruments:
                self.problem(f"{place}.instruments", f"instrument '{value}' staat er twee keer")
            else:
                instruments.append(value)
        check = self.mapping(node.get("verification"), f"{place}.verification", "verification")
        verification = Verification(
            evidence=self.text(check, "evidence", f"{place}.verification"),
            frequency=self.text(check, "frequency", f"{place}.verification"),
        )
        guidance = self.mapping(node.get("placeholders", {}), f"{place}.placeholders")
        in_text = list(dict.fromkeys(PLACEHOLDER.findall(text)))
        placeholders = []
        for name in in_text:
            if name not in guidance:
                self.problem(f"{place}.placeholders", f"[{name}] staat in de tekst maar heeft geen toelichting")
            else:
                placeholders.append(Placeholder(name, self.text(guidance, name, f"{place}.placeholders")))
        for name in guidance:
            if name not in in_text:
                self.problem(f"{place}.placeholders.{name}", f"[{name}] staat niet in de tekst van de eis")
        return Clause(
            text=text,
            title=self.text(node, "title", place),
            instruments=tuple(instruments),
            basis=self.text(node, "basis", place, required=False),
            verification=verification,
            placeholders=tuple(placeholders),
        )

    def priorities(self, raw: Any) -> dict[int, str]:
        node = self.mapping(raw, "priorities")
        labels = {}
        for key, label in node.items():
            if not isinstance(key, int) or isinstance(key, bool):
                self.problem(f"priorities.{key}", "een prioriteit is een geheel getal")
            elif not isinstance(label, str) or not label.strip():
                self.problem(f"priorities.{key}", "ontbrekende tekst")
            else:
                labels[key] = label.strip()
        return labels

    def recommendations(self, raw, questions, domain_ids, level_ids, priorities):
        recommendations, seen = [], set()
        for i, node in enumerate(self.sequence(raw, "recommendations")):
            place = f"recommendations[{i}]"
            node = self.mapping(node, place, "recommendation")
            rec_id = self.identifier(node, place, seen, "advies-id")
            domain_id = node.get("domain")
            if domain_id not in domain_ids:
                self.problem(f"{place}.domain", f"onbekend domein {domain_id!r}")
            priority = node.get("priority")
            if priority not in priorities:
                self.problem(f"{place}.priority", f"onbekende prioriteit {priority!r}; kies uit {sorted(priorities)}")
            recommendations.append(
                Recommendation(
                    id=rec_id,
                    domain_id=domain_id or "",
                    title=self.text(node, "title", place),
                    text=self.text(node, "text", place),
                    priority=priority if isinstance(priority, int) else 0,
                    source=self.text(node, "source", place),
                    when=self.trigger(node.get("when"), f"{place}.when", questions, level_ids),
                )
            )
        return tuple(recommendations)

    def answer_values(self, question_id: Any, values: Any, place: str, questions: dict) -> AnswerIs | None:
        question = questions.get(question_id)
        if question is None:
            self.problem(place, f"onbekende vraag {question_id!r}")
            return None
        values = values if isinstance(values, list) else [values]
        for value in values:
            if question.option(value) is None:
                choices = ", ".join(o.value for o in question.options)
                self.problem(place, f"vraag '{question_id}' heeft geen antwoord {value!r}; kies uit {choices}")
        return AnswerIs(question_id, tuple(values))

    def level_list(self, raw: Any, place: str, level_ids: set) -> tuple[str, ...]:
        levels = tuple(raw) if isinstance(raw, list) else (raw,)
        for level_id in levels:
            if level_id not in level_ids:
                self.problem(place, f"onbekend niveau {level_id!r}")
        return levels

    def trigger(self, raw, place, questions, level_ids) -> Trigger:
        """A list of conditions that must all hold; or, as in files before 2026.2, a mapping of which any one holds."""
        if isinstance(raw, dict):
            return self.legacy_trigger(raw, place, questions, level_ids)
        conditions = []
        for i, node in enumerate(self.sequence(raw, place)):
            condition = self.condition(
                self.mapping(node, f"{place}[{i}]", "condition"), f"{place}[{i}]", questions, level_ids
            )
            if condition is not None:
                conditions.append(condition)
        return Trigger(tuple(conditions), all=True)

    def condition(self, node: dict, place: str, questions: dict, level_ids: set) -> Condition | None:
        kinds = [k for k in ("question", "domain_level", "stage", "unknown") if k in node]
        if len(kinds) != 1:
            self.problem(place, "geef precies één van: question (met answers), domain_level, stage, unknown")
            return None
        if "answers" in node and kinds != ["question"]:
            self.problem(f"{place}.answers", "'answers' hoort bij 'question'")
        match kinds[0]:
            case "question":
                if "answers" not in node:
                    self.problem(f"{place}.answers", "geef de antwoorden waarop het advies afgaat")
                return self.answer_values(node["question"], node.get("answers", []), f"{place}.question", questions)
            case "domain_level":
                return DomainLevelIn(self.level_list(node["domain_level"], f"{place}.domain_level", level_ids))
            case "stage":
                stage = self.stage_ref(node["stage"], f"{place}.stage")
                return StageIs(stage.id) if stage else None
            case _:
                if node["unknown"] is not True:
                    self.problem(f"{place}.unknown", "schrijf 'unknown: true'")
                return AnyUnknown()

    def legacy_trigger(self, raw: dict, place, questions, level_ids) -> Trigger:
        node = self.mapping(raw, place, "legacy_when")
        if not node:
            self.problem(place, "geef minstens één voorwaarde")
        conditions: list[Condition] = []
        for question_id, values in self.mapping(node.get("answers", {}), f"{place}.answers").items():
            condition = self.answer_values(question_id, values, f"{place}.answers.{question_id}", questions)
            if condition is not None:
                conditions.append(condition)
        if "levels" in node:
            conditions.append(DomainLevelIn(self.level_list(node["levels"], f"{place}.levels", level_ids)))
        if node.get("unknown_at_least") is not None:
            count = self.number(node, "unknown_at_least", place, minimum=1)
            if count is not None:
                conditions.append(UnknownAtLeast(int(count)))
        return Trigger(tuple(conditions), all=False)

    def caps(self, raw, questions, level_ids) -> tuple[Cap, ...]:
        caps = []
        for i, node in enumerate(raw if isinstance(raw, list) else []):
            place = f"overall_caps[{i}]"
            node = self.mapping(node, place, "cap")
            question_id = node.get("question")
            if question_id not in questions:
                self.problem(f"{place}.question", f"onbekende vraag {question_id!r}")
            if node.get("max_level") not in level_ids:
                self.problem(f"{place}.max_level", f"onbekend niveau {node.get('max_level')!r}")
            caps.append(
                Cap(
                    question_id=question_id or "",
                    below=self.number(node, "below", place, default=0) or 0,
                    max_level=node.get("max_level") or "",
                    reason=self.text(node, "reason", place),
                )
            )
        return tuple(caps)

    def estimate(self, raw: Any) -> Estimate | None:
        if raw is None:
            return None
        node = self.mapping(raw, "estimate", "estimate")
        share = self.share(node, "share", "estimate", 0.0)
        if share <= 0:
            self.problem("estimate.share", "moet groter dan 0 zijn")
        year = self.number(node, "year", "estimate", default=0, minimum=1900)
        if not isinstance(year, int):
            self.problem("estimate.year", "verwacht een jaartal")
        return Estimate(
            share=share,
            year=int(year or 0),
            source=self.text(node, "source", "estimate"),
            note=self.text(node, "note", "estimate", required=False),
        )

    def glossary(self, raw: Any) -> tuple[Term, ...]:
        terms, seen = [], set()
        for i, node in enumerate(raw if isinstance(raw, list) else self.sequence(raw, "glossary")):
            place = f"glossary[{i}]"
            node = self.mapping(node, place, "term")
            term = self.text(node, "term", place)
            if term.lower() in seen:
                self.problem(f"{place}.term", f"dubbel begrip '{term}'")
            seen.add(term.lower())
            matches = self.texts(node, "matches", place) or (term,)
            terms.append(
                Term(
                    term=term,
                    definition=self.text(node, "definition", place),
                    source=self.text(node, "source", place, required=False),
                    matches=matches,
                )
            )
        return tuple(terms)

    def references(self, raw: Any) -> tuple[Reference, ...]:
        if not isinstance(raw, list):
            self.problem("references", "verwacht een lijst met bronnen")
            return ()
        references, seen = [], set()
        for i, node in enumerate(raw):
            place = f"references[{i}]"
            node = self.mapping(node, place, "reference")
            title = self.text(node, "title", place)
            if title and title.casefold() in seen:
                self.problem(f"{place}.title", f"dubbele bron '{title}'")
            seen.add(title.casefold())
            year = node.get("year")
            # an unquoted 2016 in YAML is a number: accept it as the year it plainly is
            year = str(year) if isinstance(year, int) and not isinstance(year, bool) else year
            if not isinstance(year, str) or not YEAR_PATTERN.match(year):
                self.problem(f"{place}.year", f"verwacht een jaartal zoals 2016, of 'z.j.' zonder jaar, niet {year!r}")
            url = self.text(node, "url", place)
            if url and (not url.startswith("https://") or url == "https://" or " " in url):
                self.problem(f"{place}.url", f"een adres begint met https:// en heeft geen spaties, niet {url!r}")
            matches = self.texts(node, "matches", place)
            if not matches and isinstance(node.get("matches", []), list):
                self.problem(f"{place}.matches", "geef minstens één tekst uit een 'source' die naar deze bron verwijst")
            references.append(
                Reference(
                    title=title,
                    publisher=self.text(node, "publisher", place),
                    year=year if isinstance(year, str) else "",
                    url=url,
                    matches=matches,
                )
            )
        return tuple(references)

    def version_mapping(self, raw: Any, questions: dict) -> VersionMapping | None:
        """Which old answers carry over. An old question may go to several new ones (a split) and
        several old ones to one new question (a merge); the same pair twice is a mistake."""
        if raw is None:
            return None
        node = self.mapping(raw, "mapping", "mapping")
        from_version = node.get("from_version")
        if not isinstance(from_version, (str, int, float)) or not str(from_version).strip():
            self.problem("mapping.from_version", "ontbrekende versie")
        entries, pairs = [], {}
        for i, entry in enumerate(self.sequence(node.get("questions"), "mapping.questions")):
            place = f"mapping.questions[{i}]"
            entry = self.mapping(entry, place, "mapping_question")
            old, new = entry.get("old"), entry.get("new")
            if not isinstance(old, str) or not ID_PATTERN.match(old):
                self.problem(f"{place}.old", f"ongeldige vraag-id {old!r}")
            question = questions.get(new) if isinstance(new, str) else None
            if question is None:
                self.problem(f"{place}.new", f"onbekende vraag {new!r}")
            elif (old, new) in pairs:
                self.problem(
                    f"{place}.new",
                    f"'{old}' naar '{new}' staat al in mapping.questions[{pairs[old, new]}]",
                )
            else:
                pairs[old, new] = i
            options = self.mapping(entry.get("options"), f"{place}.options")
            for old_value, new_value in options.items():
                if not isinstance(old_value, str) or not ID_PATTERN.match(old_value):
                    self.problem(f"{place}.options.{old_value}", f"ongeldig oud antwoord {old_value!r}")
                if question is not None and (not isinstance(new_value, str) or question.option(new_value) is None):
                    self.problem(f"{place}.options.{old_value}", f"vraag '{new}' heeft geen antwoord {new_value!r}")
            entries.append(QuestionMapping(str(old), str(new), tuple((str(k), str(v)) for k, v in options.items())))
        return VersionMapping(str(from_version), tuple(entries))
