"""The document decision, in two steps: does the author argue the question at all,
and if so for which side.

Step one is a small logistic model over a handful of features of the article (how
many of its sentences are on the question in the author's own voice, what share of
the article they are, whether the title, lede, headings or conclusion carry them,
how much evaluation they hold, how much of it is quoted). Its weights are data
(lexicons/decision.toml), fitted by tools/stance_model.py on labelled articles and
measured there by k-fold cross-validation. Step two weighs the two sides over the
sentences on the question (sentences off it count at a fraction, as context)."""
from __future__ import annotations

import math
from dataclasses import dataclass

# The order of the model's weights in decision.toml.
FEATURES = ("founder_side", "matrix_side", "share", "thesis", "weight", "argued", "cluster", "off_question")
POSITIONS_OF_THESIS = ("title", "lede", "heading", "conclusion")
CLUSTER = 8


@dataclass
class Features:
    """What the decision reads, per article."""
    sentences: int = 0          # units of the article besides the title
    on_question: int = 0        # sentences on the question in the author's voice
    quoted: int = 0             # sentences on the question that are someone else's words
    thesis: int = 0             # ... of the first kind in the title, lede, a heading or the conclusion
    evaluated: int = 0          # ... of the first kind that evaluate (not a bare mention)
    argued: int = 0             # ... of the first kind that prescribe, turn, shift or compare
    founder_side: int = 0       # ... of the first kind about a leader as the voice
    matrix_side: int = 0        # ... of the first kind about many voices
    cluster: int = 0            # the most of the first kind within CLUSTER consecutive sentences: a
                                # section spent on the question, not mentions scattered over a playbook
    weight: float = 0.0         # stance weight of the first kind
    off_weight: float = 0.0     # stance weight of sentences off the question

    def vector(self) -> list[float]:
        share = self.on_question / max(self.sentences, 1)
        return [math.log1p(self.founder_side), math.log1p(self.matrix_side), min(share * 20.0, 3.0),
                math.log1p(self.thesis), math.log1p(self.weight), math.log1p(self.argued), math.log1p(self.cluster),
                math.log1p(self.off_weight)]


@dataclass
class Decision:
    argued: bool
    probability: float          # the model's probability that the author argues the question
    topic: str                  # on | off
    reason: str | None          # why neutral: off-topic | quoted-only | mentions-only | thin


def probability(x: list[float], model: dict) -> float:
    z = float(model.get("bias", 0.0)) + sum(float(w) * v for w, v in zip(model.get("weights", []), x, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def decide(f: Features, model: dict) -> Decision:
    p = probability(f.vector(), model) if model.get("weights") else (1.0 if f.on_question else 0.0)
    argued = p >= float(model.get("threshold", 0.5))
    # On topic: the article is about a company's voice through people at all, argued
    # or not (a news report of a CEO's livestream is on topic and neutral).
    topic = "on" if f.on_question + f.quoted >= 2 or f.thesis else "off"
    reason = None
    if not argued:
        if not f.on_question and not f.quoted:
            reason = "off-topic"
        elif not f.on_question:
            reason = "quoted-only"
        elif not f.evaluated:
            reason = "mentions-only"
        else:
            reason = "thin"
    return Decision(argued, p, topic, reason)
