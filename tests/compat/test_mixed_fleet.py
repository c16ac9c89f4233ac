"""Mixed fleets of the sample's services and ours on one MariaDB and one NSQ: every combination must process
every image exactly once and leave rows the other side can read (`images.person` -1 for nobody, never NULL).
"""
from conftest import BLAIR, NOBODY, OBAMA, STRANGERS, assert_no_null, http, sample_accepted, truncated


def test_sample_receiver_to_our_processor(fleet):
    """kcs-receiver inserts (path, -1, 0) and publishes; our processor claims, recognises and keeps -1 for nobody."""
    _, sample = fleet.start_kcs_receiver()
    fleet.start_our_processor()
    paths = {
        fleet.photo(OBAMA, "a/obama2.jpg"): ("1", fleet.person_id("Barack Obama")),
        fleet.photo(NOBODY, "a/mask.jpg"): ("1", -1),
        fleet.photo(STRANGERS, "a/t1.jpg"): ("1", -1),
        fleet.photo(BLAIR, "a/blair.jpg"): ("1", fleet.person_id("Tony Blair")),
        truncated(fleet, "a/truncated.jpg"): ("2", -1),
    }
    status, body = http("POST", f"{sample}/images/post", {"paths": [{"path": p} for p in paths]})
    assert sample_accepted(status, body) and body.count("image sent to nsq") == len(paths), body
    fleet.wait_settled("a/", len(paths))
    rows = fleet.rows("a/")
    assert sorted(rows) == sorted(paths), rows
    for path, (want_status, want_person) in paths.items():
        assert len(rows[path]) == 1, (path, rows[path])
        _, got_status, got_person = rows[path][0]
        assert (got_status, int(got_person)) == (want_status, want_person), (path, rows[path])
    assert_no_null(fleet, "a/")


def test_our_receiver_to_sample_processor_to_our_face_service_v1(fleet):
    """Our receiver publishes; kcs-image-processor reads the row into its ints, calls our FaceRecognition over
    the sample's v1 Identify and writes the answer. Its rules: no known face (`not_found`) or an error is
    status 2."""
    _, ours = fleet.start_our_receiver()
    fleet.start_kcs_processor()
    paths = {
        fleet.photo(OBAMA, "b/obama2.jpg"): ("1", fleet.person_id("Barack Obama")),
        fleet.photo(BLAIR, "b/blair.jpg"): ("1", fleet.person_id("Tony Blair")),
        fleet.photo(NOBODY, "b/mask.jpg"): ("2", -1),
        fleet.photo(STRANGERS, "b/t1.jpg"): ("2", -1),
        truncated(fleet, "b/truncated.jpg"): ("2", -1),
    }
    status, body = http("POST", f"{ours}/images/post", {"paths": [{"path": p} for p in paths]})
    assert status in (200, 201, 202), body
    fleet.wait_settled("b/", len(paths), timeout=90)
    rows = fleet.rows("b/")
    assert sorted(rows) == sorted(paths), rows
    for path, (want_status, want_person) in paths.items():
        assert len(rows[path]) == 1, (path, rows[path])
        _, got_status, got_person = rows[path][0]
        assert (got_status, int(got_person)) == (want_status, want_person), (path, rows[path])
    assert_no_null(fleet, "b/")


def test_sample_frontend_renders_rows_of_each_of_our_services(fleet):
    """Rows left by our receiver alone (pending), by our processor (a person, nobody, failed): the sample's
    frontend scans every one into its ints, answers 200 and keeps running."""
    _, ours = fleet.start_our_receiver()
    processor = fleet.start_our_processor()
    processed = {
        fleet.photo(OBAMA, "c/obama2.jpg"): "Barack Obama",
        fleet.photo(STRANGERS, "c/t1.jpg"): "Pending...",   # the sample prints this for person -1
        truncated(fleet, "c/truncated.jpg"): "Pending...",
    }
    status, body = http("POST", f"{ours}/images/post", {"paths": [{"path": p} for p in processed]})
    assert status in (200, 201, 202), body
    fleet.wait_settled("c/", len(processed))
    processor.stop()
    pending = fleet.photo(NOBODY, "c/pending-mask.jpg")
    status, body = http("POST", f"{ours}/image/post", {"path": pending})
    assert status in (200, 201, 202), body
    assert_no_null(fleet, "")   # every row of every test so far

    frontend, url = fleet.start_kcs_frontend()
    for _ in range(2):   # a second view proves the first did not kill it
        status, page = http("GET", url + "/", timeout=30)
        assert status == 200, page
    assert frontend.alive(), frontend.tail()
    cells = [line.strip() for line in page.splitlines()]
    for path, person in {**processed, pending: "Pending..."}.items():
        assert f"<td>{path}</td>" in cells, (path, page[-2000:])
        row = cells[cells.index(f"<td>{path}</td>") + 1]
        assert row == f"<td>{person}</td>", (path, row)
    total = int(fleet.sql("SELECT COUNT(*) FROM images")[0][0])
    assert page.count("<tr>") - 1 == total   # header row + one per image: nothing skipped
