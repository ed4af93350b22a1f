"""Synthetic phrasebooks for the benchmark: N entries shaped like the bundled ones."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from csr_cli.phrasebook.schema import Entry, layer_files, load_all

# Common characters to make fresh, plausible-looking keywords and texts.
FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"


def bundled_entries() -> list[Entry]:
    return load_all([f for f in layer_files() if f.layer == "bundled"])


def synthetic_entries(count: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    templates = bundled_entries()
    all_keywords = [keyword for entry in templates for keyword in entry.keywords]
    entries = []
    for number in range(count):
        template = rng.choice(templates)
        invented = ["".join(rng.choices(FILLER, k=rng.randint(2, 4))) for _ in range(3)]
        keywords = rng.sample(template.keywords, k=min(8, len(template.keywords)))
        keywords += rng.sample(all_keywords, k=3) + invented
        tail = "".join(rng.choices(FILLER, k=12))
        entries.append(
            {
                "id": f"{template.id}-s{number}",
                "title": f"{template.title} #{number}",
                "title_zh": f"{template.title_zh}{invented[0]}",
                "role": template.role,
                "tags": list(template.tags),
                "keywords": keywords,
                "placeholders": dict(template.placeholders),
                "variants": [f"{text}{tail}" for text in template.variants],
            }
        )
    return entries


def write_phrasebook(path: Path, count: int) -> Path:
    document = {"entries": synthetic_entries(count)}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path
