from ninja import NinjaAPI

api = NinjaAPI(title="22tracks API", version="1")
