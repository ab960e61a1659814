import pytest

from pytest_altlab.helpers.cutycapt import Previewer


@pytest.fixture
def previewer(lab):
    return Previewer(lab, "preview", lab.params.preview_user, lab.params.wrapper)
