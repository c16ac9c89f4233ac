"""End to end: photos posted through the Receiver's HTTP API, processed by the real dlib service,
and the database, the Receiver's GET /images/{id} and the Frontend's JSON agree on every image."""
from conftest import PHOTOS

EXPECTED = {
    # relative path -> (status, person name or None, face count or None when unchecked)
    "e2e/obama2.jpg": ("processed", "Barack Obama", 1),
    "e2e/obama3.jpg": ("processed", "Barack Obama", 1),
    "e2e/32bit.png": ("processed", "Barack Obama", 1),
    "e2e/t1.jpg": ("processed", None, 6),
    "e2e/mask_white.jpg": ("processed", None, 0),
    "e2e/Tom_Hanks_54745.png": ("processed", None, None),
    "e2e/bad/truncated.jpg": ("failed", None, 0),
}
STATUS_WORDS = {"0": "pending", "1": "processed", "2": "failed", "3": "processing"}


def post_all(stack):
    stack.add_photo(PHOTOS / "obama2.jpg", "e2e/obama2.jpg")
    stack.add_photo(PHOTOS / "obama3.jpg", "e2e/obama3.jpg")
    stack.add_photo(PHOTOS / "32bit.png", "e2e/32bit.png")
    stack.add_photo(PHOTOS / "t1.jpg", "e2e/t1.jpg")
    stack.add_photo(PHOTOS / "mask_white.jpg", "e2e/mask_white.jpg")
    stack.add_photo(PHOTOS / "Tom_Hanks_54745.png", "e2e/Tom_Hanks_54745.png")
    truncated = (PHOTOS / "obama.jpg").read_bytes()
    target = stack.images / "e2e" / "bad" / "truncated.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(truncated[: len(truncated) // 2])

    ids = {}
    # The old single-image endpoint, exactly as the seed's curl sends it...
    for path in ["e2e/obama2.jpg", "e2e/bad/truncated.jpg"]:
        status, body = stack.http("POST", f"{stack.receiver}/image/post", {"path": path})
        assert status in (200, 201, 202), (status, body)
        ids[path] = body["results"][0]["id"] if "results" in body else body["id"]
    # ...and the batch endpoint for the rest.
    rest = [p for p in EXPECTED if p not in ids]
    status, body = stack.http("POST", f"{stack.receiver}/images/post", {"paths": [{"path": p} for p in rest]})
    assert status in (200, 201, 202, 207), (status, body)
    for result in body["results"]:
        assert result["status"] == "queued", result
        ids[result["path"]] = result["id"]
    assert set(ids) == set(EXPECTED)
    return ids


def test_pipeline_end_to_end(stack):
    ids = post_all(stack)
    # Re-posting is idempotent: same id, not an error.
    status, body = stack.http("POST", f"{stack.receiver}/image/post", {"path": "e2e/t1.jpg"})
    assert status in (200, 201, 202)
    again = body["results"][0] if "results" in body else body
    assert again["id"] == ids["e2e/t1.jpg"] and again["status"] == "duplicate"

    stack.wait_until_settled(ids.values())

    for path, image_id in ids.items():
        want_status, want_person, want_faces = EXPECTED[path]
        row = stack.sql(
            "SELECT i.status, COALESCE(p.name, ''), (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id), "
            f"COALESCE(i.last_error, '') FROM images i LEFT JOIN person p ON p.id = i.person WHERE i.id = {image_id}")[0]
        db = (STATUS_WORDS[row[0]], row[1] or None, int(row[2]))
        assert db[0] == want_status, (path, row)
        assert db[1] == want_person, (path, row)
        if want_faces is not None:
            assert db[2] == want_faces, (path, row)
        if want_status == "failed":
            assert row[3], f"{path} failed without a readable last_error"
        if path == "e2e/t1.jpg":
            known = stack.sql(f"SELECT COUNT(*) FROM faces WHERE image_id = {image_id} AND person_id IS NOT NULL")
            assert known[0][0] == "0", "t1.jpg has no known people"

        code, receiver = stack.http("GET", f"{stack.receiver}/images/{image_id}")
        assert code == 200, receiver
        receiver_view = (receiver["status"], (receiver.get("person") or {}).get("name"), len(receiver["faces"]))
        assert receiver_view == db, (path, receiver_view, db)

        code, frontend = stack.http("GET", f"{stack.frontend}/api/images/{image_id}")
        assert code == 200, frontend
        image = frontend["image"]
        frontend_view = (image["status"], (image.get("person") or {}).get("name"), len(frontend["faces"]))
        assert frontend_view == db, (path, frontend_view, db)
        assert image["face_count"] == db[2]

    # `images.person` is -1 for nobody, never NULL: the sample's services scan it into a non-null int.
    people = dict(stack.sql(f"SELECT id, IFNULL(person, 'NULL') FROM images WHERE id IN ({','.join(map(str, ids.values()))})"))
    for path, image_id in ids.items():
        assert people[str(image_id)] != "NULL", (path, people)
        if EXPECTED[path][1] is None:
            assert people[str(image_id)] == "-1", (path, people)
    # Every face row is unique per (image, index): no duplicates after retries.
    dupes = stack.sql("SELECT image_id, face_index, COUNT(*) c FROM faces WHERE image_id IS NOT NULL "
                      "GROUP BY image_id, face_index HAVING c > 1")
    assert dupes == []
    # Every probe face keeps its 128-d descriptor (512 bytes of float32), as gallery faces do.
    sizes = stack.sql("SELECT DISTINCT LENGTH(descriptor) FROM faces")
    assert [int(n) for (n,) in sizes] == [512], sizes
    # The frontend's counts agree with the database.
    code, stats = stack.http("GET", f"{stack.frontend}/api/stats")
    assert code == 200
    db_counts = dict((STATUS_WORDS[s], int(n)) for s, n in stack.sql("SELECT status, COUNT(*) FROM images GROUP BY status"))
    for word in ("processed", "failed"):
        assert stats["counts"][word] == db_counts.get(word, 0)
