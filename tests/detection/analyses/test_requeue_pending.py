"""Queueing pending analyses again when a worker (re)connects to the broker (issue 21, item 4)."""

from detection.analyses import services
from detection.analyses.services import analysis_requeue_pending
from detection.models import Analysis


def test_pending_analyses_not_on_the_queue_are_queued_again(alice, bob, make_analysis, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue_analysis", queued.append)
    lost = make_analysis(alice, status=Analysis.Status.PENDING, with_images=False)
    still_queued = make_analysis(alice, status=Analysis.Status.PENDING, with_images=False)
    bobs = make_analysis(bob, status=Analysis.Status.PENDING, with_images=False)
    make_analysis(alice, status=Analysis.Status.PROCESSING, with_images=False)
    make_analysis(alice, status=Analysis.Status.DONE, with_images=False)

    requeued = analysis_requeue_pending(exclude={still_queued.pk})

    assert requeued == queued == [lost.pk, bobs.pk]
