"""Issue 19: drafts linked to the NOS they revise or tailor, and placed on a functional map
(`noshub.themes`) when maps exist; publishing writes the placement to the map."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services

from .conftest import GOOD_DRAFT, NOW, add_good_draft, drive

pytestmark = pytest.mark.django_db

OUTLINE = """level,code,title,parent
name,,Animal care,
key_purpose,,Care for animals well,
key_area,AC-A,Complementary care,
function,AC-A1,Offer Reiki to animals,AC-A
function,AC-A2,Plan the daily care of working dogs,AC-A
"""


@pytest.fixture
def animal_map(db):
    from noshub.themes.maps import import_outline

    return import_outline(OUTLINE, "csv", slug="animal-care-test", file="test.csv")


def test_a_revision_is_linked_to_its_nos_suggested_its_function_and_published_onto_the_map(client, people, org, animal_map):
    from noshub.catalogue.models import Standard
    from noshub.themes.models import Placement

    fn = animal_map.nodes.get(code="AC-A1")
    assert Placement.objects.filter(node=fn, standard__urn_key="LANACT3").exists()  # the map's own placement
    project = services.create_project(people["developer"], title="Reiki review", organisation=org, kind="review")
    draft = services.add_draft(people["developer"], project, from_urn="LANACT3", today=NOW.date())
    links = services.draft_links(draft)
    assert links["revises"]["urn"] == "LANACT3" and links["tailors"] is None
    assert links["suggested_map_node"]["code"] == "AC-A1" and links["map_node"] is None
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/drafts/{draft.pk}/").content.decode()
    assert "Revises" in page and "AC-A1" in page and 'name="map_node"' in page
    assert client.post(f"/lifecycle/drafts/{draft.pk}/place/", {"map_node": "999999"}).status_code == 400
    assert client.post(f"/lifecycle/drafts/{draft.pk}/place/", {"map_node": "x"}).status_code == 400
    area = animal_map.nodes.get(code="AC-A")  # a key area is not a function
    assert client.post(f"/lifecycle/drafts/{draft.pk}/place/", {"map_node": str(area.pk)}).status_code == 400
    assert client.post(f"/lifecycle/drafts/{draft.pk}/place/", {"map_node": str(fn.pk)}).status_code == 302
    draft.refresh_from_db()
    assert draft.map_node_id == fn.pk
    assert client.get(f"/lifecycle/drafts/{draft.pk}.json").json()["links"]["map_node"]["code"] == "AC-A1"
    client.force_login(people["other_developer"])
    assert client.post(f"/lifecycle/drafts/{draft.pk}/place/", {"map_node": ""}).status_code == 403

    services.update_draft(
        people["developer"], draft, **{k: GOOD_DRAFT[k] for k in ("overview", "performance_criteria", "knowledge_and_understanding")}
    )
    drive(project, people, lc.PUBLISHED)
    standard = Standard.objects.get(urn_key="LANACT3")
    placed = Placement.objects.get(node=fn, standard=standard)
    assert placed.source == "confirmed" and placed.confidence == 1.0 and str(project.pk) in placed.reason


def test_a_new_tailored_nos_is_linked_to_its_original_and_suggested_its_function(people, project, animal_map):
    project = drive(project, people, lc.DRAFTING, with_draft=False)
    draft = add_good_draft(project, people, original_urn="LANACT3")
    links = services.draft_links(draft)
    assert links["revises"] is None and links["tailors"]["urn"] == "LANACT3"
    assert links["suggested_map_node"]["code"] == "AC-A1"
    with pytest.raises(PermissionDenied):
        services.place_draft(people["reviewer_wales"], draft, animal_map.nodes.get(code="AC-A2").pk)


def test_without_maps_nothing_is_suggested_and_the_page_offers_no_chooser(client, people, project):
    project = drive(project, people, lc.DRAFTING, with_draft=False)
    draft = add_good_draft(project, people)
    from noshub.themes.models import FunctionalMap

    if FunctionalMap.objects.exists():
        pytest.skip("the loaded data holds functional maps")
    assert services.draft_links(draft) == {"revises": None, "tailors": None, "map_node": None, "suggested_map_node": None}
    client.force_login(people["developer"])
    assert 'name="map_node"' not in client.get(f"/lifecycle/drafts/{draft.pk}/").content.decode()
