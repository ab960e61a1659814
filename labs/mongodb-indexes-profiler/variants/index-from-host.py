"""Alternative route: the index from the host with pymongo (createIndexes), named by the candidate."""

from pymongo import DESCENDING, MongoClient


def apply(lab):
    with MongoClient(lab.host, lab.port("db", 27017), directConnection=True, serverSelectionTimeoutMS=10000) as c:
        c.acc_acme.contacts.create_index([("list_id", 1), ("status", 1), ("created_at", DESCENDING)],
                                         name="contacts_list_page")
