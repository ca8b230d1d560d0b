package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Status parts compare and copy by their JSON form, the form the API server stores: every field Jackson writes takes
 * part, so a field added to a status type can never be left out of the "changed?" check that decides whether status
 * is patched (a hand-written field list could forget it, and the new field would silently never be written).
 */
public abstract class StatusValue {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** This value as the API server would store it. */
    public JsonNode toTree() {
        return JSON.valueToTree(this);
    }

    /** A deep copy (through the JSON form), so that changing the copy never changes what it was copied from. */
    @SuppressWarnings("unchecked")
    public <T extends StatusValue> T deepCopy() {
        return (T) JSON.convertValue(this, getClass());
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && toTree().equals(((StatusValue) o).toTree());
    }

    @Override
    public final int hashCode() {
        return toTree().hashCode();
    }
}
