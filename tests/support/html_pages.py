"""Read rendered pages the way a browser would see their elements."""

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in {"meta", "link", "img", "input", "br", "source", "path", "circle"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        """Return the elements with this tag whose attributes include `attrs`
        (underscores in names stand for dashes; `class_` is `class`)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.elements
            if element.tag == tag
            and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def with_attribute(self, name: str) -> list[Element]:
        return [element for element in self.elements if name in element.attrs]


def page_of(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    page.close()
    return page


def squeezed(text: str) -> str:
    """Collapse runs of whitespace, as a browser shows text."""
    return " ".join(text.split())


def hearts(page: Page, kind: str) -> dict[int, str]:
    """Map each heart of `kind` ("track" or "genre") on the page to its aria-pressed."""
    return {
        int(button.attrs["data-heart-id"]): button.attrs["aria-pressed"]
        for button in page.all("button", data_heart_kind=kind)
        if button.attrs.get("data-heart-id")
    }
