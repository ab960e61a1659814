"""The values this lab's candidate must find, known only once the engine chose the addresses (lab.yaml answers:)."""

from __future__ import annotations

from pytest_altlab.helpers.network import host_address, network_subnets


def answers(lab):
    data_subnet, db_ip = network_subnets(lab, "db")["data"]
    # The router is the right way to the database; the subnet is what the output chain still drops.
    return [db_ip, host_address(lab, "router", "app"), data_subnet]
