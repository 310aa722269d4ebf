import json

from lawrep_nlp.corpus.markup import parse
from lawrep_nlp.errors import entity_errors, error_summary, errors_of, link_errors
from lawrep_nlp.evaluation import Annotation, from_record


def annotation(line: str) -> Annotation:
    """Gold or predicted annotation written in the corpus markup."""
    text, spans, relations = parse(line)
    return from_record({"text": text, "spans": spans, "relations": relations})


def kinds(errors) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.label, e.category, e.gold, e.predicted) for e in errors]


def test_entity_errors_name_each_kind_of_mistake():
    gold = annotation("{双塔区|GPE}落实{首违不罚|PROGRAM}制度,{区司法局|ORG}于{2025年|DATE}印发通知")
    predicted = annotation("{双塔区|ORG}落实首违不罚{制度|LAW},{区|GPE}司法局于{2025年|DATE}印发通知")
    assert kinds(entity_errors(gold, predicted)) == [
        ("GPE", "label", "双塔区", "双塔区"),
        ("PROGRAM", "missed", "首违不罚", None),
        ("ORG", "inside GPE", "区司法局", "区"),
        ("LAW", "spurious", None, "制度"),
        ("GPE", "spurious over ORG", None, "区"),
    ]


def test_a_boundary_error_is_counted_once():
    gold = annotation("会同{沈阳市司法局|ORG}开展")
    predicted = annotation("会同沈阳市{司法局|ORG}开展")
    assert kinds(entity_errors(gold, predicted)) == [("ORG", "boundary", "沈阳市司法局", "司法局")]


def test_no_errors_when_everything_is_right():
    gold = annotation("收到{行政复议申请|I:c}{32件|Q:32:件>c}")
    assert entity_errors(gold, gold) == [] and link_errors(gold, gold) == []


def test_link_errors_say_how_the_indicator_differs():
    gold = annotation("收到{行政复议申请|I:c}{32件|Q:32:件>c}、办结{28件|Q:28:件>c},调解{纠纷|I:d}{15起|Q:15:起>d},"
                      "开会{5次|Q:5:次}")
    predicted = annotation("{收到行政复议申请|I:c}{32件|Q:32:件>c}、办结{28件|Q:28:件},调解纠纷15起,"
                           "{开会|I:e}{5次|Q:5:次>e}")
    errors = link_errors(gold, predicted)
    assert [(e.category, e.quantity, e.gold, e.predicted) for e in errors] == [
        ("starts earlier", "32件", "行政复议申请", "收到行政复议申请"),
        ("no indicator", "28件", "行政复议申请", None),
        ("quantity missed", "15起", "纠纷", None),
        ("spurious", "5次", None, "开会"),
    ]
    assert errors[0].context == "收到【行政复议申请32件】、办结28件,调解纠纷1"


def test_errors_carry_document_and_paragraph_and_are_counted():
    gold = annotation("会同{沈阳市司法局|ORG}开展")
    record = {"text": gold.text, "meta": {"doc": "003", "para": 7}}
    errors = errors_of([record], [(gold, Annotation(gold.text))])
    assert [(e.doc, e.para, e.category) for e in errors] == [("003", 7, "missed")]
    assert error_summary(errors) == {"ORG": {"missed": 1}}
    assert json.loads(json.dumps(errors[0].to_dict(), ensure_ascii=False))["gold"] == "沈阳市司法局"


def test_evaluate_writes_the_errors(tmp_path):
    from typer.testing import CliRunner

    from lawrep_nlp.cli import app

    # gold that marks nothing: everything the pipeline finds is spurious
    text = "区司法局收到行政复议申请32件。"
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": text, "spans": [], "relations": [], "meta": {"doc": "d", "para": 2}},
                               ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(app, ["evaluate", "lawrep_zh", str(gold), "--errors", str(out),
                                      "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    errors = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["label"], e["category"], e["predicted"], e["doc"], e["para"]) for e in errors] == [
        ("ORG", "spurious", "区司法局", "d", 2),
        ("QUANTITY", "spurious", "32件", "d", 2),
        ("LINK", "spurious", "行政复议申请", "d", 2),
    ]
    assert "LINK" in result.output and "spurious 1" in result.output
    assert json.loads((tmp_path / "s.json").read_text())["errors"]["ORG"] == {"spurious": 1}
