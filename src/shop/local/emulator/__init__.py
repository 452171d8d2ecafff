"""The AWS emulator: moto's server in a child process, moto's patches, provisioning from resources.json."""
