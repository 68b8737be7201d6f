from django.urls import path

from . import views

app_name = "counter_queue"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board.json", views.board_json, name="board_json"),
]
