"""Personal data held by the privacy center itself, and by two framework tables no other
app of ours owns: the admin's change history and the background task queue."""

_FIVE_YEARS = 5 * 365 + 1
_TWO_YEARS = 2 * 365

PERSONAL_DATA = {
    "privacy.PolicyVersion": {
        "owner": None,
        "subjects": ["staff"],
        "purpose": "staff_accountability",
        "legal_basis": "legal_obligation",
        "retention": {"kept": "every version of the policy stays published"},
        "fields": {"published_by": "staff_activity"},
    },
    "privacy.PolicyNoticeSeen": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "consent_records",
        "legal_basis": "contract",
        "retention": {"while": "account"},
        "fields": {"user": "online_identifier", "version": "choices", "seen_at": "choices"},
    },
    "privacy.ConsentChoice": {
        "owner": "user",
        "subjects": ["browsers", "listeners"],
        "purpose": "consent_records",
        # Art. 7(1): the controller must be able to show the consent it relies on.
        "legal_basis": "legal_obligation",
        "retention": {
            "days": _TWO_YEARS,
            "after": "chosen_at",
            "note": "a choice governs a browser for at most 13 months; the proof is kept longer",
        },
        "fields": {
            "consent_id": {
                "category": "online_identifier",
                "note": "random, from the consent cookie",
            },
            "user": "online_identifier",
            "audience_statistics": "choices",
            "advertising": "choices",
            "method": "choices",
            "policy_version": "choices",
            "chosen_at": "choices",
        },
    },
    "privacy.MarketingChoice": {
        "owner": "user",
        "subjects": ["listeners"],
        "purpose": "consent_records",
        "legal_basis": "consent",
        "retention": {"while": "account"},
        "fields": {
            "user": "online_identifier",
            "subscribed": "choices",
            "method": "choices",
            "policy_version": "choices",
            "chosen_at": "choices",
        },
    },
    "privacy.DataRequest": {
        "owner": None,
        "subjects": ["requesters", "staff"],
        "purpose": "privacy_requests",
        "legal_basis": "legal_obligation",
        "retention": {"days": _TWO_YEARS, "after": "closed_at"},
        "fields": {
            "requester_email": {"category": "contact", "subjects": ["requesters"]},
            "requester_name": {"category": "identity", "subjects": ["requesters"]},
            "details": {"category": "request", "subjects": ["requesters"]},
            "kind": "request",
            "received_on": "request",
            "due_on": "request",
            "extension_months": "request",
            "extension_reason": "request",
            "status": "request",
            "closed_at": "request",
            "created_at": "staff_activity",
            "created_by": {"category": "staff_activity", "subjects": ["staff"]},
        },
    },
    "privacy.DataRequestEvent": {
        "owner": None,
        "subjects": ["requesters", "staff"],
        "purpose": "privacy_requests",
        "legal_basis": "legal_obligation",
        "retention": {"days": _TWO_YEARS, "after": "request__closed_at"},
        "fields": {
            "note": "request",
            "by": {"category": "staff_activity", "subjects": ["staff"]},
            "at": "staff_activity",
        },
    },
    "privacy.LegalDisclosure": {
        "owner": "subject_user_id",
        "subjects": ["listeners", "third_parties", "staff"],
        "purpose": "legal_disclosures",
        "legal_basis": "legal_obligation",
        "retention": {"days": _FIVE_YEARS, "after": "released_at"},
        "fields": {
            "requested_by": {
                "category": "identity",
                "subjects": ["third_parties"],
                "note": "an authority, sometimes a named officer",
            },
            "request_reference": "release",
            "legal_basis_detail": "release",
            "subject_user_id": "online_identifier",
            "subject_description": "online_identifier",
            "released": "release",
            "released_at": "release",
            "released_by": {"category": "staff_activity", "subjects": ["staff"]},
        },
    },
    "privacy.AffiliateShare": {
        "owner": "subject_user_id",
        "subjects": ["listeners", "staff"],
        "purpose": "affiliate_transactions",
        "legal_basis": "contract",
        "retention": {"days": _FIVE_YEARS, "after": "shared_at"},
        "fields": {
            "affiliate": "release",
            "transaction_reference": "release",
            "subject_user_id": "online_identifier",
            "shared_fields": "release",
            "shared_description": "release",
            "shared_at": "release",
            "shared_by": {"category": "staff_activity", "subjects": ["staff"]},
        },
    },
    "privacy.AuditEvent": {
        "owner": "subject_user_id",
        "subjects": ["listeners", "staff", "requesters"],
        "purpose": "staff_accountability",
        # Art. 5(2): being able to show what was released, when and by whom.
        "legal_basis": "legal_obligation",
        "retention": {
            "days": _FIVE_YEARS,
            "after": "occurred_at",
            # An event recorded in a register goes after its register row, which is
            # declared above so that both leave in the same run.
            "where": {"legal_disclosure__isnull": True, "affiliate_share__isnull": True},
        },
        "fields": {
            "subject_user_id": "online_identifier",
            "actor_user_id": "staff_activity",
            "data_request": "request",
            "kind": "release",
            "actor": "staff_activity",
            "occurred_at": "release",
            "detail": {
                "category": "release",
                "note": "field names, counts and sizes; never the data released",
            },
        },
    },
    "privacy.Affiliate": {
        "owner": None,
        "subjects": ["affiliate_contacts"],
        "purpose": "affiliate_transactions",
        "legal_basis": "legitimate_interests",
        "retention": {"kept": "while the agreement runs; staff replace it when it changes"},
        "fields": {"contact": "contact"},
    },
    "admin.LogEntry": {
        "owner": "user",
        "subjects": ["staff", "listeners"],
        "purpose": "staff_accountability",
        "legal_basis": "legitimate_interests",
        "retention": {"days": 365, "after": "action_time"},
        "fields": {
            "user": "staff_activity",
            "action_time": "staff_activity",
            "object_id": "staff_activity",
            "object_repr": {
                "category": "staff_activity",
                "subjects": ["staff", "listeners"],
                "note": "how the changed row presents itself, e.g. a username",
            },
            "change_message": "staff_activity",
        },
    },
    "django_tasks_database.DBTaskResult": {
        "owner": None,
        "subjects": ["listeners"],
        "purpose": "background_work",
        "legal_basis": "contract",
        "retention": {"days": 14, "after": "finished_at"},
        "note": "tasks take ids, never the data itself",
        "fields": {
            "args_kwargs": {"category": "task_data", "note": "may hold an account number"},
            "return_value": "task_data",
            "traceback": "task_data",
        },
    },
}

NOT_PERSONAL = {
    "privacy.PolicyVersion.text_en": "the policy's published text",
    "privacy.PolicyVersion.text_nl": "the policy's published text",
    "privacy.PolicyVersion.summary_en": "the published summary of a policy change",
    "privacy.PolicyVersion.summary_nl": "the published summary of a policy change",
    "privacy.Affiliate.name": "a company's name",
    "privacy.Processor.name": "a company's name",
    "privacy.Processor.purpose": "what a company does for us",
    "privacy.Processor.data_categories": "categories of data, not data",
    "privacy.Processor.location": "a country or region",
    "django_tasks_database.DBTaskResult.task_path": "the dotted path of our code",
    "django_tasks_database.DBTaskResult.worker_ids": "ids of worker processes",
    "django_tasks_database.DBTaskResult.queue_name": "a queue's name",
    "django_tasks_database.DBTaskResult.backend_name": "a backend's name",
    "django_tasks_database.DBTaskResult.exception_class_path": "the dotted path of an error",
}
