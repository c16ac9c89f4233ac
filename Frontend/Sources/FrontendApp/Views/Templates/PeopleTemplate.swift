/// `/people`: every known person with a crop of their gallery face and the images they appear in.
enum PeopleTemplate {
    static let text = #"""
        {{>header}}
        <h1>People <span class="muted">({{peopleCount}})</span></h1>
        <ul class="people">
        {{#people}}<li class="person-card" data-person-id="{{personID}}">
        <a class="crop" href="{{imagesHref}}">{{#cropURL}}<img src="{{cropURL}}" alt="{{cropAlt}}" class="{{cropClass}}" style="{{cropStyle}}" loading="lazy">{{/cropURL}}{{^cropURL}}<span class="initials" aria-hidden="true">{{initials}}</span>{{/cropURL}}</a>
        <div class="who"><a class="name" href="{{imagesHref}}">{{personName}}</a>
        <span class="count">{{countText}}</span></div>
        </li>
        {{/people}}{{^people}}<li class="empty">No known people yet: add photos to the gallery.</li>
        {{/people}}</ul>
        {{>footer}}
        """#
}
