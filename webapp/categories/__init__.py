"""A jury's categories: the built-in district, gender and age, and the jury's own questions
with their answer options and quota values."""

from flask import Blueprint

bp = Blueprint("categories", __name__)

from webapp.categories import services, views  # noqa: E402,F401  (routes register on bp)
from webapp.models import Jury  # noqa: E402


@bp.app_template_global("category_labels")
def _category_labels(jury: Jury) -> dict[str, str]:
    """Each category's name in the page's language, by key."""
    return services.category_labels(jury)
