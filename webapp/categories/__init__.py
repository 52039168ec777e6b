"""A jury's categories: the built-in district, gender and age, and the jury's own questions
with their answer options and quota values."""

from flask import Blueprint

bp = Blueprint("categories", __name__)

from webapp.categories import views  # noqa: E402,F401  (routes register on bp)


@bp.app_template_global("category_labels")
def _category_labels(jury: object) -> dict[str, str]:
    from webapp.categories.services import category_labels
    from webapp.models import Jury

    assert isinstance(jury, Jury)
    return category_labels(jury)
