"""The live camera page: the controls, the settings the script needs, and the alert rule."""

import json

from django.urls import reverse

from detection.models import Alert
from ml.emotions import EMOTIONS

URL = reverse("detection:live")


def page_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="live-config" type="application/json">') + len('<script id="live-config" type="application/json">')
    return json.loads(html[start : html.index("</script>", start)])


def test_it_shows_the_camera_controls_and_loads_the_script(alice_client):
    response = alice_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for control in ('id="live-start"', 'id="live-stop"', 'id="live-snapshot"', 'id="live-camera"', 'id="live-chart"'):
        assert control in html
    assert "js/live.js" in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_it_gives_the_script_the_socket_path_and_the_emotions(alice_client, settings):
    settings.LIVE_MAX_FPS = 8

    config = page_config(alice_client.get(URL))

    assert config["wsPath"] == "/ws/live/"
    assert config["emotions"] == list(EMOTIONS)
    assert config["maxFps"] == 8


def test_it_says_when_alerts_are_off(alice_client):
    assert "Turn on SMS alerts" in alice_client.get(URL).content.decode()


def test_it_describes_the_rule_and_says_when_sms_is_not_configured(alice_client, alice, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    alice.sms_alerts_enabled = True
    alice.save()

    html = alice_client.get(URL).content.decode()

    assert "more than 10 of the last 50 frames showing angry, disgust, fear, sad" in html
    assert "SMS is not configured on this server" in html


def test_it_lists_recent_alerts_of_the_user_only(alice_client, alice, bob):
    Alert.objects.create(owner=alice, message="Alice was stressed", status=Alert.Status.NOT_CONFIGURED)
    Alert.objects.create(owner=bob, message="Bob was stressed", status=Alert.Status.SENT)

    html = alice_client.get(URL).content.decode()

    assert "Alice was stressed" in html
    assert "Not sent: SMS not configured" in html
    assert "Bob was stressed" not in html
