/** A reference to one of the OpenAPI document's component schemas (each module adds its own to `components.schemas`). */
export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
