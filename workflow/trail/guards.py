"""What the database refuses on the workflow's own tables, whatever writes to them: the separation of duties
(workflow.separation, checked again here for writes that bypass the services), a request's life (a closed
request stays closed), and the evidence (no request changes, and no decision is written, without its row in
the trail, in the same transaction).

Plain PostgreSQL triggers, installed with the trail's (workflow.trail.install): no session setting switches
them off, and their tables are named with their schema, so that a temporary table of the same name cannot
stand in for one. Each refusal of the separation of duties starts with the error code the services use
(workflow.separation.SEPARATION_CODES), which is how a refusal the database makes reaches the user.
"""

from __future__ import annotations

SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"

_APPROVAL = f"""
CREATE OR REPLACE FUNCTION traguardi_approval_guard() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    requester bigint;
    body bigint;
BEGIN
    SELECT requested_by_id, organization_id INTO requester, body
        FROM public.workflow_transitionrequest WHERE id = NEW.request_id;
    IF EXISTS (SELECT 1 FROM public.plans_organizationrole
               WHERE organization_id = body AND user_id = NEW.decided_by_id AND role = 'auditor') THEN
        RAISE EXCEPTION 'sod_auditor: the auditor of the organization decides nothing'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.on_behalf_of_id IS NOT NULL AND NEW.decided_by_id = requester THEN
        RAISE EXCEPTION 'sod_own_request: a substitute never decides a request they made'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.director_covers_area_head THEN
        IF NEW.on_behalf_of_id IS NOT NULL OR NEW.step <> 'director'
           OR NOT EXISTS (SELECT 1 FROM public.workflow_separationpolicy
                          WHERE organization_id = body AND director_covers_area_head)
           OR NOT EXISTS (SELECT 1 FROM public.plans_organizationrole
                          WHERE organization_id = body AND user_id = NEW.decided_by_id AND role = 'director')
           OR EXISTS (SELECT 1 FROM public.workflow_approval
                      WHERE request_id = NEW.request_id AND decided_by_id = NEW.decided_by_id
                        AND (on_behalf_of_id IS NOT NULL OR step <> 'area_head')) THEN
            RAISE EXCEPTION 'sod_one_step: the policy of the organization documents no such exception'
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM public.workflow_approval
                  WHERE request_id = NEW.request_id AND decided_by_id = NEW.decided_by_id) THEN
        RAISE EXCEPTION 'sod_one_step: one person decides at most one step of a request'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS traguardi_approval_guard ON public.workflow_approval;
CREATE TRIGGER traguardi_approval_guard BEFORE INSERT ON public.workflow_approval
    FOR EACH ROW EXECUTE FUNCTION traguardi_approval_guard();
"""

# Only when the substitute or the organization is written: revoking a delegation whose substitute has since
# become the auditor must still work (the decision-time check refuses their decisions).
_DELEGATION = f"""
CREATE OR REPLACE FUNCTION traguardi_delegation_guard() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.plans_organizationrole
               WHERE organization_id = NEW.organization_id AND user_id = NEW.substitute_id AND role = 'auditor') THEN
        RAISE EXCEPTION 'sod_auditor: the auditor of the organization is never a substitute'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS traguardi_delegation_guard ON public.workflow_delegation;
CREATE TRIGGER traguardi_delegation_guard BEFORE INSERT OR UPDATE OF substitute_id, organization_id
    ON public.workflow_delegation FOR EACH ROW EXECUTE FUNCTION traguardi_delegation_guard();
"""

# A request moves forward only: pending, then approved, rejected or withdrawn for good, closed with its time.
_REQUEST = f"""
CREATE OR REPLACE FUNCTION traguardi_request_guard() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'request_closed: request % is already closed (%), it does not change any more',
            OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'pending' AND (NEW.closed_at IS NOT NULL OR NEW.current_step = '') THEN
        RAISE EXCEPTION 'request_open: an open request waits for a step and has no closing time'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> 'pending' AND (NEW.closed_at IS NULL OR NEW.current_step <> '') THEN
        RAISE EXCEPTION 'request_closed: a closed request has a closing time and waits for nothing'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS traguardi_request_guard ON public.workflow_transitionrequest;
CREATE TRIGGER traguardi_request_guard BEFORE UPDATE ON public.workflow_transitionrequest
    FOR EACH ROW EXECUTE FUNCTION traguardi_request_guard();
"""

# At commit: a request made or moved, and a decision written, have their row in the trail from the same
# transaction (the services write it: requested, approved, rejected, withdrawn, state changed).
_EVIDENCE = f"""
CREATE OR REPLACE FUNCTION traguardi_evidenced() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    -- A decision names its request; a request is its own (to_jsonb: NEW has request_id on one table only).
    request bigint := CASE WHEN TG_TABLE_NAME = 'workflow_approval' THEN (to_jsonb(NEW) ->> 'request_id')::bigint
                      ELSE NEW.id END;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.workflow_auditentry
                   WHERE request_id = request AND txid = txid_current()) THEN
        RAISE EXCEPTION 'not_in_trail: % of request % written without its row in the audit trail',
            TG_TABLE_NAME, request USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS traguardi_request_evidenced ON public.workflow_transitionrequest;
CREATE CONSTRAINT TRIGGER traguardi_request_evidenced AFTER INSERT OR UPDATE ON public.workflow_transitionrequest
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION traguardi_evidenced();
DROP TRIGGER IF EXISTS traguardi_approval_evidenced ON public.workflow_approval;
CREATE CONSTRAINT TRIGGER traguardi_approval_evidenced AFTER INSERT ON public.workflow_approval
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION traguardi_evidenced();
"""

GUARDS_SQL = _APPROVAL + _DELEGATION + _REQUEST + _EVIDENCE
