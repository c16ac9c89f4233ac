/// `/images/{id}`: the photo with every face boxed and labelled, the faces table and any error.
enum ImageTemplate {
    static let text = #"""
        {{>header}}
        <p class="crumbs"><a href="/">Images</a> › #{{imageID}}</p>
        <h1 class="image-title">{{imagePath}} <span class="badge status-{{statusKey}}">{{statusLabel}}</span></h1>
        <dl class="facts">
        <div><dt>ID</dt><dd>{{imageID}}</dd></div>
        <div><dt>Best match</dt><dd>{{#bestPerson}}<a href="{{personHref}}">{{personName}}</a>{{/bestPerson}}{{^bestPerson}}<span class="muted">none</span>{{/bestPerson}}</dd></div>
        <div><dt>Faces</dt><dd>{{faceCount}}</dd></div>
        <div><dt>Attempts</dt><dd>{{attempts}}</dd></div>
        {{#createdText}}<div><dt>Received</dt><dd>{{createdText}}</dd></div>{{/createdText}}
        {{#updatedText}}<div><dt>Updated</dt><dd>{{updatedText}}</dd></div>{{/updatedText}}
        </dl>
        {{#failure}}<div class="failure" role="alert"><strong>Failed after {{failureAttempts}} attempt(s).</strong>{{#failureMessage}}<pre class="last-error">{{failureMessage}}</pre>{{/failureMessage}}</div>{{/failure}}
        {{#pendingError}}<div class="retrying"><strong>Last attempt failed; it will be retried.</strong><pre class="last-error">{{pendingError}}</pre></div>{{/pendingError}}
        {{#photo}}<figure class="photo" data-width="{{naturalWidth}}" data-height="{{naturalHeight}}">
        <div class="frame">
        <img id="photo" src="{{fileURL}}" alt="{{altText}}"{{#hasSize}} width="{{naturalWidth}}" height="{{naturalHeight}}"{{/hasSize}}>
        {{#boxes}}<div class="face{{#known}} known{{/known}}{{^known}}{{#chrome.canWrite}} nameable{{/chrome.canWrite}}{{/known}}" data-face-id="{{faceID}}" data-face-index="{{faceIndex}}" data-left="{{left}}" data-top="{{top}}" data-right="{{right}}" data-bottom="{{bottom}}" style="{{style}}"><span class="face-label">{{label}}</span>{{^known}}{{#chrome.canWrite}}<form class="name-popover" id="name-face-{{faceID}}" method="post" action="/faces/{{faceID}}/name" hidden><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><input type="hidden" name="image_id" value="{{imageID}}"><input name="name" list="people-names" placeholder="Who is this?" aria-label="Name of face {{faceIndex}}" maxlength="255" autocomplete="off" required><button type="submit">Name</button></form>{{/chrome.canWrite}}{{/known}}</div>
        {{/boxes}}</div>
        <p class="broken-note" hidden>The browser cannot display this file: it is not a readable JPEG or PNG.</p>
        <figcaption>{{caption}}</figcaption>
        </figure>{{/photo}}
        {{#missingFile}}<div class="missing-file"><strong>The photo cannot be shown:</strong> {{missingFile}}</div>{{/missingFile}}
        <h2>Faces</h2>
        {{#chrome.canWrite}}<p class="hint">Click an unknown face on the photo to name it, or use the form in its row.</p>{{/chrome.canWrite}}
        {{#chrome.loginNeeded}}<p class="hint"><a href="/login">Log in</a> to name faces.</p>{{/chrome.loginNeeded}}
        <table class="faces">
        <thead><tr><th class="num">#</th><th>Person</th><th class="num">Distance</th><th>Box (left, top, right, bottom)</th></tr></thead>
        <tbody>
        {{#faces}}<tr class="face-row">
        <td class="num">{{faceIndex}}</td>
        <td>{{#faceHref}}<a href="{{faceHref}}">{{faceName}}</a>{{/faceHref}}{{^faceHref}}<span class="muted">{{faceName}}</span>{{/faceHref}}{{#unknown}}{{#chrome.canWrite}}<form class="name-face" method="post" action="/faces/{{faceID}}/name"><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><input type="hidden" name="image_id" value="{{imageID}}"><input name="name" list="people-names" placeholder="Name" aria-label="Name of face {{faceIndex}}" maxlength="255" autocomplete="off" required><button type="submit">Name</button></form>{{/chrome.canWrite}}{{/unknown}}</td>
        <td class="num">{{distanceText}}</td>
        <td class="mono">{{boxText}}</td>
        </tr>
        {{/faces}}{{^faces}}<tr><td colspan="4" class="empty">{{noFacesText}}</td></tr>
        {{/faces}}</tbody>
        </table>
        <datalist id="people-names">{{#personNames}}<option value="{{.}}">{{/personNames}}</datalist>
        {{>footer}}
        """#
}
