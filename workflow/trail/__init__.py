"""The audit trail's machinery in PostgreSQL: who changed what (context), the triggers that record every change
to plan data, the hash chain that seals each row at commit, its verification, and the privileges of the
application's database role. See README, "The audit trail".

Its triggers are plain PostgreSQL triggers, installed by `install.install_trail`, not django-pgtrigger ones:
pgtrigger lets any session switch a trigger off through the `pgtrigger.ignore` setting, and the whole point
here is that the application's own role cannot."""
