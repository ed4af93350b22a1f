"""The shop's product catalogue: the only source of a product fact a reply may state.

A bundled reply never claims a material, size or care instruction of its own: it has a
`{material}`-style placeholder, filled from the catalogue entry `--product SKU` names, or
asked from the agent.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from csr_cli.datafile import cached_json, read_yaml
from csr_cli.errors import NotFound, PolicyError, UsageError
from csr_cli.policy.model import Policy

TEXT_FIELDS = ("title", "material", "size_chart", "care")
FIELDS = ("sku", *TEXT_FIELDS, "sizes", "properties")
LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class Product:
    sku: str
    title: str
    material: str | None = None
    size_chart: str | None = None
    care: str | None = None
    sizes: tuple[str, ...] = ()
    properties: dict[str, str] | None = None  # other known facts, e.g. {起球: 轻微}


def product_values(product: Product) -> dict[str, str]:
    """The catalogue's facts as reply values; a fact it doesn't state is left out."""
    values = {"product": product.title}
    for name in ("material", "size_chart", "care"):
        value = getattr(product, name)
        if value:
            values[name] = value
    if product.sizes:
        values["sizes"] = LIST_SEPARATOR.join(product.sizes)
    return values


def find_product(policy: Policy, sku: str) -> Product:
    """The product with this SKU in the catalogue the shop profile names."""
    path = policy.shop.catalogue
    if path is None:
        raise UsageError(
            "product: the shop profile names no catalogue; set shop.catalogue in your policy "
            "file (see `csr config path`)",
            fields=("product",),
        )
    products = load_catalogue(path)
    if sku in products:
        return products[sku]
    close = difflib.get_close_matches(sku, products, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFound(f"product: no SKU '{sku}' in {path}{hint}", close)


def load_catalogue(path: Path) -> dict[str, Product]:
    return cached_json(
        "catalogue",
        [path],
        lambda: parse_catalogue(read_yaml(path, what="catalogue", error=PolicyError), str(path)),
        encode=lambda products: [asdict(product) for product in products.values()],
        decode=lambda rows: {row["sku"]: _product(row) for row in rows},
    )


def _product(row: dict[str, Any]) -> Product:
    return Product(**{**row, "sizes": tuple(row["sizes"])})


def parse_catalogue(data: Any, source: str) -> dict[str, Product]:
    """Validate a catalogue file; every error names the file, the product and the field."""
    if (
        not isinstance(data, dict)
        or set(data) != {"products"}
        or not isinstance(data["products"], list)
    ):
        raise PolicyError(f"{source}: a catalogue is a mapping with one key, 'products' (a list)")
    products: dict[str, Product] = {}
    for number, raw in enumerate(data["products"], start=1):
        product = _parse_product(raw, f"{source}: product #{number}")
        if product.sku in products:
            raise PolicyError(f"{source}: product '{product.sku}', field 'sku': listed twice")
        products[product.sku] = product
    return products


def _parse_product(raw: Any, where: str) -> Product:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: each product is a mapping with at least sku and title")
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise PolicyError(f"{where}, field '{unknown[0]}': unknown; allowed: {', '.join(FIELDS)}")
    for required in ("sku", "title"):
        if not _text(raw.get(required)):
            raise PolicyError(f"{where}, field '{required}': must be a text")
    where = f"{where} ('{raw['sku']}')"
    texts = {}
    for name in TEXT_FIELDS:
        if raw.get(name) is not None and not _text(raw[name]):
            raise PolicyError(f"{where}, field '{name}': must be a text")
        texts[name] = None if raw.get(name) is None else str(raw[name]).strip()
    sizes = raw.get("sizes") or []
    if not isinstance(sizes, list) or not all(_text(size) for size in sizes):
        raise PolicyError(f"{where}, field 'sizes': must be a list of sizes, e.g. [S, M, L]")
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict) or not all(_text(v) for v in properties.values()):
        raise PolicyError(f"{where}, field 'properties': must map a property to a text")
    return Product(
        sku=str(raw["sku"]).strip(),
        title=texts["title"] or "",
        material=texts["material"],
        size_chart=texts["size_chart"],
        care=texts["care"],
        sizes=tuple(str(size).strip() for size in sizes),
        properties={str(k): str(v).strip() for k, v in properties.items()},
    )


def _text(value: Any) -> bool:
    return (
        isinstance(value, (str, int, float))
        and not isinstance(value, bool)
        and bool(str(value).strip())
    )
