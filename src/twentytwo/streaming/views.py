from django.http import HttpResponse


def stream_track(request, token):
    return HttpResponse(status=501)
