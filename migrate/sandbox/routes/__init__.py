"""The sandbox's endpoints, one module per emulated resource.

Each module's ``register(app)`` adds its routes to a :class:`~migrate.sandbox.app.SandboxApp`;
``migrate.sandbox.Sandbox`` registers them all.
"""
