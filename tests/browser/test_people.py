"""People management in a real browser (headless Chromium through Selenium) over the real pipeline: log in
with the API token, enroll by upload (and the clear errors for no face, several faces, not an image, too
big), name an unnamed group, name a face on an image page, merge, rename, remove a face, delete a person.
Every step checks what the page shows and what MariaDB holds, and saves a screenshot."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import MAX_UPLOAD_BYTES, PHOTOS, SCREENSHOTS, TOKEN

OBAMA = ["obama2.jpg", "32bit.png", "obama3.jpg"]


@pytest.fixture(scope="module")
def site(pipeline, browser, tmp_path_factory):
    """The photos posted and processed; helpers bound to the browser."""
    ids = pipeline.post_photos(OBAMA + ["t1.jpg"])
    pipeline.wait_processed(list(ids.values()))
    files = tmp_path_factory.mktemp("uploads")
    (files / "notes.jpg").write_text("not a photo, just text\n")
    # A JPEG header then padding: over the 1 MiB limit.
    (files / "huge.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * (MAX_UPLOAD_BYTES + 200_000))
    return Site(pipeline, browser, ids, files)


class Site:
    def __init__(self, pipeline, driver, ids, files):
        self.db = pipeline
        self.driver = driver
        self.base = pipeline.frontend
        self.ids = ids
        self.files = files

    def go(self, path):
        self.driver.get(self.base + path)

    def path(self):
        return self.driver.current_url.removeprefix(self.base)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def flash(self, kind):
        found = self.finds(f".flash.{kind}")
        return found[0].text if found else ""

    def shot(self, name):
        path = SCREENSHOTS / f"browser-{name}.png"
        self.driver.save_screenshot(str(path))
        assert path.stat().st_size > 10_000, f"screenshot {path.name} is empty"

    def submit(self, form_css):
        self.click_and_wait(self.find(f"{form_css} button[type=submit]"))

    def click_and_wait(self, element, timeout=90):
        """Clicks a submit button and waits for the next page (enrolling takes FaceRecognition a moment)."""
        page = self.find("html")
        element.click()
        WebDriverWait(self.driver, timeout).until(EC.staleness_of(page))

    def enroll(self, name, *files):
        self.go("/people")
        self.find("form.enroll input[name=name]").send_keys(name)
        self.find("form.enroll input[type=file]").send_keys("\n".join(str(f) for f in files))
        self.submit("form.enroll")

    def person_id(self, name):
        value = self.db.scalar(f"SELECT id FROM person WHERE name = '{name}'")
        return int(value) if value else None


def test_login_then_enroll_by_upload(site):
    site.go("/people")
    assert site.find("a.login").text == "Log in to edit"
    assert not site.finds("form.enroll"), "no write forms before logging in"
    site.click_and_wait(site.find("a.login"))
    site.find("form.login input[name=token]").send_keys(TOKEN)
    site.shot("login")
    site.submit("form.login")
    assert site.path() == "/people"
    assert site.flash("ok") == "Logged in."

    site.enroll("Joe Biden", PHOTOS / "biden.jpg")
    biden = site.person_id("Joe Biden")
    assert biden is not None
    assert site.path() == f"/people/{biden}"
    assert "Joe Biden: 1 of 1 photo(s) enrolled. biden.jpg: enrolled." in site.flash("ok")
    assert site.db.scalar(f"SELECT COUNT(*) FROM person_images WHERE person_id = {biden}") == "1"
    assert site.db.scalar(f"SELECT COUNT(*) FROM faces f JOIN person_images pi ON pi.id = f.person_image_id WHERE pi.person_id = {biden}") == "1"
    assert site.find("h1").text.startswith("Joe Biden")
    assert len(site.finds("li.person-face")) == 1
    site.shot("enrolled")


def test_enroll_errors_are_clear(site):
    site.enroll("Crowd Person", PHOTOS / "mask_white.jpg", site.files / "notes.jpg", PHOTOS / "t1.jpg")
    crowd = site.person_id("Crowd Person")
    assert crowd is not None, "the photo with several faces is enrolled (its largest face)"
    message = site.flash("ok")
    assert "Crowd Person: 1 of 3 photo(s) enrolled." in message
    assert "mask_white.jpg: no face found in the photo." in message
    assert "notes.jpg: not a JPEG or PNG image." in message
    assert re.search(r"t1\.jpg: enrolled; \d+ faces were found, the largest was enrolled\.", message), message
    assert site.db.scalar(f"SELECT COUNT(*) FROM person_images WHERE person_id = {crowd}") == "1"
    site.shot("enroll-errors")

    site.enroll("Nobody", PHOTOS / "mask_white.jpg")
    assert site.path() == "/people"
    assert "Nobody: no photo enrolled. mask_white.jpg: no face found in the photo." in site.flash("error")
    assert site.person_id("Nobody") is None

    site.enroll("Too Big", site.files / "huge.jpg")
    assert site.path() == "/people"
    assert site.flash("error") == "Not enrolled: the upload is larger than 1 MiB: send fewer or smaller photos."
    assert site.person_id("Too Big") is None


def test_name_an_unnamed_group(site):
    obama2 = site.ids["obama2.jpg"]
    # Grouping runs as each image is stored: obama2.jpg and 32bit.png (the same photo) at least share a group.
    site.db.wait_until(
        f"SELECT COUNT(*) >= 2 FROM faces WHERE group_id = (SELECT MAX(group_id) FROM faces WHERE image_id = {obama2})", "1")
    group = int(site.db.scalar(f"SELECT MAX(group_id) FROM faces WHERE image_id = {obama2}"))
    members = [int(r[0]) for r in site.db.sql(f"SELECT DISTINCT image_id FROM faces WHERE group_id = {group} AND person_id IS NULL")]
    count = int(site.db.scalar(f"SELECT COUNT(*) FROM faces WHERE group_id = {group} AND person_id IS NULL"))
    assert site.ids["32bit.png"] in members
    site.go("/people")
    card = f"li.group-card[data-group-id='{group}']"
    assert site.find(f"{card} .group-count").text == f"{count} faces"
    assert len(site.finds(f"{card} .samples img")) == min(count, 4)
    site.shot("unnamed")
    site.find(f"{card} input[name=name]").send_keys("Barack Obama")
    site.submit(f"{card} form.name-group")
    assert site.path() == "/people#unnamed"
    assert site.flash("ok").startswith(f"Named Barack Obama (new person): {count} faces"), site.flash("ok")
    obama = site.person_id("Barack Obama")
    for image in members:
        assert site.db.scalar(f"SELECT person FROM images WHERE id = {image}") == str(obama), image
    assert site.db.scalar(f"SELECT COUNT(*) FROM faces WHERE group_id = {group}") == "0"
    assert not site.finds(card), "the named group is gone"
    assert "Barack Obama" in [e.text for e in site.finds("li.person-card a.name")]
    site.shot("group-named")


def test_name_a_face_on_the_image_page(site):
    t1 = site.ids["t1.jpg"]
    site.go(f"/images/{t1}")
    boxes = site.finds(".face.nameable")
    assert len(boxes) >= 2, "t1.jpg shows several unknown faces"
    face_id = boxes[0].get_attribute("data-face-id")
    popover = site.find(f"#name-face-{face_id}")
    assert not popover.is_displayed()
    boxes[0].click()
    assert popover.is_displayed(), "clicking a face opens its name box"
    field = popover.find_element(By.NAME, "name")
    assert site.driver.switch_to.active_element == field
    field.send_keys("Rachel")
    site.shot("name-face")
    site.click_and_wait(popover.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert site.path() == f"/images/{t1}"
    assert site.flash("ok").startswith("Named Rachel (new person): 1 face")
    rachel = site.person_id("Rachel")
    assert site.db.scalar(f"SELECT person_id FROM faces WHERE id = {face_id}") == str(rachel)
    label = site.find(f".face[data-face-id='{face_id}'] .face-label").text
    assert label.startswith("Rachel"), label
    assert "known" in site.find(f".face[data-face-id='{face_id}']").get_attribute("class")
    site.shot("face-named")


def test_merge_rename_remove_delete(site):
    # Merge: a second entry for Obama, enrolled by upload, merged into the group-named one.
    site.enroll("Barack", PHOTOS / "obama.jpg")
    barack, obama = site.person_id("Barack"), site.person_id("Barack Obama")
    assert site.path() == f"/people/{barack}"
    Select(site.find("form.merge select[name=into]")).select_by_visible_text("Barack Obama")
    site.submit("form.merge")
    assert site.path() == f"/people/{obama}"
    assert site.flash("ok").startswith("Merged into Barack Obama")
    assert site.person_id("Barack") is None
    assert int(site.db.scalar(f"SELECT COUNT(*) FROM person_images WHERE person_id = {obama}")) >= 2
    site.shot("merged")

    # Remove a face: one of the images' faces is not Obama after all.
    probe = [li for li in site.finds("li.person-face") if "/images/" in li.find_element(By.CSS_SELECTOR, "a.crop").get_attribute("href")]
    assert probe, "Obama's page lists the faces in his images"
    face_id = probe[0].get_attribute("data-face-id")
    site.click_and_wait(probe[0].find_element(By.CSS_SELECTOR, "form.remove-face button"))
    assert site.path() == f"/people/{obama}"
    assert site.flash("ok") == "The face is unknown again."
    assert site.db.scalar(f"SELECT person_id FROM faces WHERE id = {face_id}") == "NULL"
    assert not site.finds(f"li.person-face[data-face-id='{face_id}']")

    # Rename.
    rachel = site.person_id("Rachel")
    site.go(f"/people/{rachel}")
    field = site.find("form.rename input[name=name]")
    field.clear()
    field.send_keys("Rachel <Green>")
    site.submit("form.rename")
    assert site.flash("ok") == "Renamed to Rachel <Green>."
    assert site.find("h1").text.startswith("Rachel <Green>"), "the name is shown as text"
    assert site.db.scalar(f"SELECT name FROM person WHERE id = {rachel}") == "Rachel <Green>"

    # Delete, after the page's confirmation.
    crowd = site.person_id("Crowd Person")
    site.go(f"/people/{crowd}")
    page = site.find("html")
    site.find("form.delete button[type=submit]").click()
    WebDriverWait(site.driver, 5).until(EC.alert_is_present())
    site.driver.switch_to.alert.accept()
    WebDriverWait(site.driver, 30).until(EC.staleness_of(page))
    assert site.flash("ok").startswith("Person deleted")
    assert site.person_id("Crowd Person") is None
    assert "Crowd Person" not in [e.text for e in site.finds("li.person-card a.name")]
    site.shot("people")
