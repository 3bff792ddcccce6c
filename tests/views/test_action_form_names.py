"""Issue #19: on the one-time notice form (一次性告知补正, NOTICE-1) every 需补正 box is named by
its material — a screen reader reads "需补正：居民身份证", not the same "需补正内容" for each box."""

from __future__ import annotations

import re


def test_issue_19_each_box_to_correct_is_named_by_its_material(log_in, window_a, item, case_of):
    consultation = case_of(item, case_class="consultation")
    client = log_in("Clerk", window=window_a)
    page = client.get(f"/caseview/act/{consultation.id}/request_supplement").get_data(as_text=True)
    labels = dict(re.findall(r'<label for="(defect_\d+)">([^<]+)</label>', page))
    assert len(labels) == len(item.materials) >= 2
    for material in item.materials:
        assert labels[f"defect_{material.id}"] == f"需补正：{material.name}"
        assert f'id="defect_{material.id}"' in page
    assert len(set(labels.values())) == len(labels)
