"""The list of a user's stress alerts."""

from django.urls import reverse

from detection.models import Alert

URL = reverse("detection:alerts")


def test_it_lists_the_users_alerts_with_their_delivery(alice_client, alice):
    Alert.objects.create(owner=alice, message="Sustained stress", status=Alert.Status.SENT, twilio_sid="SM123")

    html = alice_client.get(URL).content.decode()

    assert "Sustained stress" in html
    assert "Sent" in html
    assert "SM123" in html


def test_another_users_alerts_are_not_shown(bob_client, alice):
    Alert.objects.create(owner=alice, message="Alice was stressed")

    html = bob_client.get(URL).content.decode()

    assert "Alice was stressed" not in html
    assert "No alert yet." in html


def test_the_navigation_counts_unread_alerts_until_the_alerts_page_is_opened(alice_client, alice, bob):
    Alert.objects.create(owner=alice, message="one")
    Alert.objects.create(owner=alice, message="two")
    Alert.objects.create(owner=bob, message="not mine")

    assert 'id="nav-alerts-unread">2<' in alice_client.get(reverse("detection:history")).content.decode()
    alerts_page = alice_client.get(reverse("detection:alerts")).content.decode()
    assert 'id="nav-alerts-unread"' not in alerts_page
    assert 'id="nav-alerts-unread"' not in alice_client.get(reverse("detection:history")).content.decode()

    Alert.objects.create(owner=alice, message="three")
    assert 'id="nav-alerts-unread">1<' in alice_client.get(reverse("detection:history")).content.decode()
