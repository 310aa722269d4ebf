"""nlp.to_bytes()/from_bytes() keep what nlp.to_disk()/spacy.load(path) keep."""

from spacy.util import load_model_from_config

from lawrep_nlp.pipes.base import DataComponent


def everything(doc):
    return ([(e.start_char, e.end_char, e.label_, e.id_) for e in doc.ents], doc._.links, doc._.measurements)


def test_a_pipeline_from_bytes_keeps_every_components_data(nlp, seed_texts):
    """Regression: no lawrep component had to_bytes/from_bytes, which spaCy then skips without a
    word, so a pipeline restored from bytes ran on its constructors' defaults: no programme
    classifier (矫务通 was no longer a PROGRAM) and no canonical model (18 canonical ids became 14)."""
    restored = load_model_from_config(nlp.config, auto_fill=True).from_bytes(nlp.to_bytes())
    assert restored.pipe_names == nlp.pipe_names
    for name, pipe in nlp.components:
        if isinstance(pipe, DataComponent):
            assert restored.get_pipe(name).get_data() == pipe.get_data(), name
    for text in seed_texts:
        assert everything(restored(text)) == everything(nlp(text))


def test_a_component_from_bytes(nlp):
    programs = nlp.get_pipe("lawrep_programs")
    copy = load_model_from_config(nlp.config, auto_fill=True).get_pipe("lawrep_programs")
    copy.from_bytes(programs.to_bytes())
    assert copy.get_data() == programs.get_data()
    assert copy.to_bytes() == programs.to_bytes()


def test_links_and_measurements_come_back_from_a_docbin_as_written(nlp):
    """Regression: DocBin reads user data with tuples for lists, so after a round trip doc._.links
    and doc._.measurements were tuples: not equal to what was written, and without append."""
    from spacy.tokens import DocBin

    doc = nlp("区司法局收到行政复议申请32件、办结28件。")
    docbin = DocBin(store_user_data=True)
    docbin.add(doc)
    (restored,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(nlp.vocab)
    assert restored._.links == doc._.links == [[12, 15, 6, 12], [18, 21, 6, 12]]
    assert isinstance(restored._.links, list) and isinstance(restored._.links[0], list)
    assert isinstance(restored._.measurements, list) and restored._.measurements == doc._.measurements
    assert [m["indicator"] for m in restored._.measurements] == ["行政复议申请", "行政复议申请"]
