from django.contrib import admin

from kesher.people.models import Event, Group, Organization, Person, PersonEmail, PersonPhone, Tag


class PersonEmailInline(admin.TabularInline[PersonEmail, Person]):
    model = PersonEmail
    extra = 0
    exclude = ("workspace",)


class PersonPhoneInline(admin.TabularInline[PersonPhone, Person]):
    model = PersonPhone
    extra = 0
    exclude = ("workspace",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "name_alt", "organization", "workspace", "archived_at")
    list_select_related = ("organization", "workspace")
    list_filter = ("source", "consent", "language")
    search_fields = ("name", "name_alt", "public_id")
    raw_id_fields = ("workspace", "organization", "met_at", "referred_by", "interests", "groups")
    inlines = (PersonEmailInline, PersonPhoneInline)


@admin.register(Organization, Group, Event, Tag)
class DirectoryAdmin(admin.ModelAdmin[Organization]):
    list_display = ("__str__", "workspace", "created_at")
    list_select_related = ("workspace",)
    search_fields = ("name",)
    raw_id_fields = ("workspace",)
